using System.Diagnostics;
using Npgsql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>Two app processes (<see cref="AppProcess"/>) side by side on one fresh, migrated database, as behind a load balancer.
/// If either fails to start, the other is stopped too; disposing kills both and closes the test's data source.</summary>
public sealed class AppProcessPair : IAsyncDisposable
{
    private AppProcessPair(NpgsqlDataSource db, AppProcess a, AppProcess b, TimeSpan startedIn)
    {
        Db = db;
        Data = new TestData(db);
        A = a;
        B = b;
        StartedIn = startedIn;
    }

    public AppProcess A { get; }

    public AppProcess B { get; }

    public NpgsqlDataSource Db { get; }

    public TestData Data { get; }

    public TimeSpan StartedIn { get; }

    public bool EitherHasExited => A.HasExited || B.HasExited;

    public static async Task<AppProcessPair> StartAsync(string databasePrefix, IReadOnlyDictionary<string, string?>? settings = null, CancellationToken ct = default)
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync(databasePrefix);
        var clock = Stopwatch.StartNew();
        var a = AppProcess.StartAsync(connectionString, settings, ct);
        var b = AppProcess.StartAsync(connectionString, settings, ct);
        try
        {
            await Task.WhenAll(a, b);
        }
        catch
        {
            foreach (var started in new[] { a, b }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            throw;
        }
        return new AppProcessPair(NpgsqlDataSource.Create(connectionString), a.Result, b.Result, clock.Elapsed);
    }

    public override string ToString() => $"two processes ({A.ProcessId}, {B.ProcessId}) ready in {StartedIn.TotalMilliseconds:0} ms";

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Db.DisposeAsync();
    }
}
