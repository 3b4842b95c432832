using System.Diagnostics;
using JkBoats.Tests.Api;
using Npgsql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>Two app processes (<see cref="AppProcess"/>) side by side on one fresh, migrated database, as behind a load balancer.
/// If either fails to start, the other is stopped too; disposing kills both and closes the test's data source. Each process has
/// booked a party once (on a departure of its own) before the pair is handed out: a cold process compiles the booking path while
/// its first transaction holds the departure's lock, and on a loaded two-core machine that alone can outlast the lock budget
/// and turn a storm's first requests into 503s. Tests measure the seat guarantee, not the first request's JIT.</summary>
public sealed class AppProcessPair : IAsyncDisposable
{
    private AppProcessPair(string connectionString, NpgsqlDataSource db, AppProcess a, AppProcess b, TimeSpan startedIn)
    {
        ConnectionString = connectionString;
        Db = db;
        Data = new TestData(db);
        A = a;
        B = b;
        StartedIn = startedIn;
    }

    public AppProcess A { get; }

    public AppProcess B { get; }

    /// <summary>The shared database, for a process started later (a restart).</summary>
    public string ConnectionString { get; }

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
        var pair = new AppProcessPair(connectionString, NpgsqlDataSource.Create(connectionString), a.Result, b.Result, clock.Elapsed);
        try
        {
            await pair.WarmUpAsync(ct);
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
        return pair;
    }

    /// <summary>One family (every fare path) and one plain booking through each process, each on a departure of its own.</summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        var family = await Data.CreateDepartureAsync(capacity: 20, fares: TestData.FamilyFares, maxPersons: 30);
        var plain = await Data.CreateDepartureAsync(capacity: 20);
        foreach (var process in new[] { A, B })
        {
            using var http = process.CreateHttpClient();
            var answers = new[]
            {
                await BookingApi.PostRawAsync(http, PassengerStormTests.Party(family.DepartureId, 1).Json).WaitAsync(ct),
                await BookingApi.PostAsync(http, BookingApi.Body(plain.DepartureId, 1)).WaitAsync(ct),
            };
            if (answers.Any(answer => answer.Status != 201))
            {
                throw new InvalidOperationException($"warm-up booking through process {process.ProcessId} answered " +
                    string.Join(", ", answers.Select(answer => answer.Status)));
            }
        }
    }

    public override string ToString() => $"two processes ({A.ProcessId}, {B.ProcessId}) ready in {StartedIn.TotalMilliseconds:0} ms";

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Db.DisposeAsync();
    }
}
