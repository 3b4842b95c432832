using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Infrastructure;

public sealed class JkBoatsApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="replicaConnectionString">A read replica for listings and look-ups (<c>ConnectionStrings:JkBoatsReplica</c>); none by default.</param>
    public JkBoatsApp(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        string? replicaConnectionString = null)
    {
        _services = services;
        ConnectionString = connectionString;
        _settings = TestAppSettings.For(connectionString);
        _settings["ConnectionStrings:JkBoatsReplica"] = replicaConnectionString;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        // Not UseKestrel(0): that form rewrites the server addresses after the app has started its own Kestrel, a race that
        // throws "Addresses cannot be modified after the server has started" (dotnet/aspnetcore#67714). UseUrls sets port 0.
        UseKestrel();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    public string ConnectionString { get; }

    public Uri BaseAddress { get; }

    public HttpClient CreateHttpClient(bool followRedirects = false) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        AllowAutoRedirect = followRedirects,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseUrls("http://127.0.0.1:0");
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
