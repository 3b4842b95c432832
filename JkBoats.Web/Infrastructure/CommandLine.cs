using JkBoats.Migrations;

namespace JkBoats.Web.Infrastructure;

/// <summary>Maintenance commands: <c>dotnet run --project JkBoats.Web -- migrate [down]</c>.</summary>
public static class CommandLine
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != "migrate")
        {
            return false;
        }
        var connectionString = app.Configuration.GetConnectionString("JkBoats")
            ?? throw new InvalidOperationException("Set ConnectionStrings__JkBoats to the database to migrate.");
        if (args.Length > 1 && args[1] == "down")
        {
            DatabaseMigrator.MigrateDownToEmpty(connectionString);
            await Console.Out.WriteLineAsync("Migrated down to an empty schema.");
        }
        else
        {
            DatabaseMigrator.MigrateUp(connectionString);
            await Console.Out.WriteLineAsync($"Migrated up to version {DatabaseMigrator.LatestVersion}.");
        }
        return true;
    }
}
