using System.Reflection;
using FluentMigrator;
using FluentMigrator.Runner;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Migrations;

/// <summary>The one entry point for schema changes, used by the web app, the tests and the command line.</summary>
public static class DatabaseMigrator
{
    // Several app instances may start together; only one of them migrates at a time.
    private const long MigrationLockKey = 0x4A4B_426F_6174;

    public static long LatestVersion { get; } = typeof(DatabaseMigrator).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Version ?? 0)
        .Max();

    public static void MigrateUp(string connectionString) =>
        WithRunner(connectionString, runner => runner.MigrateUp());

    public static void MigrateUpTo(string connectionString, long version) =>
        WithRunner(connectionString, runner => runner.MigrateUp(version));

    public static void MigrateDownTo(string connectionString, long version) =>
        WithRunner(connectionString, runner => runner.MigrateDown(version));

    public static void MigrateDownToEmpty(string connectionString) =>
        WithRunner(connectionString, runner => runner.MigrateDown(0));

    public static async Task<long?> AppliedVersionAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            select case when to_regclass('public."VersionInfo"') is null then null
                        else (select max("Version") from "VersionInfo") end
            """);
        var value = await command.ExecuteScalarAsync(ct);
        return value is long version ? version : null;
    }

    private static void WithRunner(string connectionString, Action<IMigrationRunner> migrate)
    {
        using var lockConnection = new NpgsqlConnection(connectionString);
        lockConnection.Open();
        using (var acquire = new NpgsqlCommand($"select pg_advisory_lock({MigrationLockKey})", lockConnection))
        {
            acquire.ExecuteNonQuery();
        }

        try
        {
            using var services = new ServiceCollection()
                .AddFluentMigratorCore()
                .ConfigureRunner(runner => runner
                    .AddPostgres()
                    .WithGlobalConnectionString(connectionString)
                    .ScanIn(typeof(DatabaseMigrator).Assembly).For.Migrations())
                .BuildServiceProvider(validateScopes: false);
            using var scope = services.CreateScope();
            migrate(scope.ServiceProvider.GetRequiredService<IMigrationRunner>());
        }
        finally
        {
            using var release = new NpgsqlCommand($"select pg_advisory_unlock({MigrationLockKey})", lockConnection);
            release.ExecuteNonQuery();
        }
    }
}
