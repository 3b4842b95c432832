using JkBoats.Data.Staff;
using JkBoats.Migrations;
using JkBoats.Web.Staff;

namespace JkBoats.Web.Infrastructure;

/// <summary>Maintenance commands: <c>dotnet run --project JkBoats.Web -- migrate [down]</c> and <c>dotnet run --project JkBoats.Web -- staff add
/// --email E --name N --role admin|agent [--reset]</c> (password from JKBOATS_STAFF_PASSWORD, else asked for).</summary>
public static class CommandLine
{
    public const int MinPasswordLength = 12;

    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "migrate":
                Migrate(app, args);
                return true;
            case "staff":
                Environment.ExitCode = await StaffAsync(app, args);
                return true;
            default:
                return false;
        }
    }

    private static void Migrate(WebApplication app, string[] args)
    {
        var connectionString = ConnectionString(app);
        if (args.Length > 1 && args[1] == "down")
        {
            DatabaseMigrator.MigrateDownToEmpty(connectionString);
            Console.WriteLine("Migrated down to an empty schema.");
        }
        else
        {
            DatabaseMigrator.MigrateUp(connectionString);
            Console.WriteLine($"Migrated up to version {DatabaseMigrator.LatestVersion}.");
        }
    }

    private static async Task<int> StaffAsync(WebApplication app, string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var email = Option("--email")?.Trim();
        var name = Option("--name") ?? email?.Split('@')[0];
        var role = Option("--role") ?? StaffRoles.Agent;
        if (args.ElementAtOrDefault(1) != "add" || string.IsNullOrEmpty(email) || Data.Bookings.BookingValidator.NormalizeEmail(email) is null || !StaffRoles.IsValid(role))
        {
            Console.Error.WriteLine("Usage: staff add --email EMAIL [--name NAME] [--role agent|admin] [--reset]");
            Console.Error.WriteLine("The password comes from JKBOATS_STAFF_PASSWORD, or is asked for.");
            return 2;
        }
        var password = Environment.GetEnvironmentVariable("JKBOATS_STAFF_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.Write($"Password for {email} (at least {MinPasswordLength} characters): ");
            password = Console.IsInputRedirected ? Console.ReadLine() : ReadHidden();
        }
        if (password is null || password.Length < MinPasswordLength)
        {
            Console.Error.WriteLine($"The password must have at least {MinPasswordLength} characters.");
            return 2;
        }
        DatabaseMigrator.MigrateUp(ConnectionString(app));
        var hash = app.Services.GetRequiredService<StaffSignIn>().Hash(password);
        var id = await app.Services.GetRequiredService<StaffRepository>()
            .AddAsync(email, name!, role, hash, replace: args.Contains("--reset"), CancellationToken.None);
        if (id is null)
        {
            Console.Error.WriteLine($"{email} already exists; add --reset to set a new password and role.");
            return 1;
        }
        Console.WriteLine($"Staff member {email} ({role}) is ready; sign in at /staff/signin.");
        return 0;
    }

    private static string ReadHidden()
    {
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return password.ToString();
            }
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }

    private static string ConnectionString(WebApplication app) => app.Configuration.GetConnectionString("JkBoats")
        ?? throw new InvalidOperationException("Set ConnectionStrings__JkBoats to the database to use.");
}
