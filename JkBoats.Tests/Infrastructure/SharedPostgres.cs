using JkBoats.Migrations;

namespace JkBoats.Tests.Infrastructure;

/// <summary>One PostgreSQL server for the whole test run, started on first use.</summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Server = new(() => PostgresServer.StartAsync());

    public static Task<PostgresServer> GetAsync() => Server.Value;

    public static async Task<string> CreateMigratedDatabaseAsync(string prefix)
    {
        var server = await GetAsync();
        var connectionString = await server.CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}"[..40]);
        DatabaseMigrator.MigrateUp(connectionString);
        return connectionString;
    }
}
