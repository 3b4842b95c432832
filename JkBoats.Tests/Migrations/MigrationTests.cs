using Dapper;
using JkBoats.Migrations;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Migrations;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_go_up_from_empty_down_to_empty_and_up_again_and_a_second_up_changes_nothing()
    {
        var server = await SharedPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync($"jkboats_migrations_{Guid.NewGuid():N}"[..40]);
        await using var db = NpgsqlDataSource.Create(connectionString);

        Assert.Empty(await TablesAsync(db));

        DatabaseMigrator.MigrateUp(connectionString);
        var schema = await SchemaAsync(db);
        Assert.Superset(new HashSet<string> { "boats", "departures", "customers", "bookings" }, (await TablesAsync(db)).ToHashSet());
        Assert.Equal(DatabaseMigrator.LatestVersion, await DatabaseMigrator.AppliedVersionAsync(db, CancellationToken.None));

        DatabaseMigrator.MigrateUp(connectionString);
        Assert.Equal(schema, await SchemaAsync(db));

        DatabaseMigrator.MigrateDownToEmpty(connectionString);
        Assert.Equal(["VersionInfo"], await TablesAsync(db));

        DatabaseMigrator.MigrateUp(connectionString);
        Assert.Equal(schema, await SchemaAsync(db));
    }

    private static async Task<List<string>> TablesAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<string>(
            "select table_name from information_schema.tables where table_schema = 'public' order by 1")).AsList();
    }

    private static async Task<List<string>> SchemaAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var columns = await connection.QueryAsync<string>("""
            select table_name || '.' || column_name || ':' || data_type || ':' || is_nullable
            from information_schema.columns where table_schema = 'public' order by 1
            """);
        var constraints = await connection.QueryAsync<string>("""
            select conrelid::regclass::text || ':' || conname || ':' || pg_get_constraintdef(oid)
            from pg_constraint where connamespace = 'public'::regnamespace order by 1
            """);
        var indexes = await connection.QueryAsync<string>("select indexdef from pg_indexes where schemaname = 'public' order by 1");
        var versions = await connection.QueryAsync<string>("""select "Version"::text from "VersionInfo" order by 1""");
        return [.. columns, .. constraints, .. indexes, .. versions];
    }
}
