using JkBoats.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddJkBoats();

var app = builder.Build();
if (await CommandLine.TryRunAsync(app, args))
{
    return;
}

app.UseJkBoats();
await app.PrepareDatabaseAsync();
await app.RunAsync();

public partial class Program;
