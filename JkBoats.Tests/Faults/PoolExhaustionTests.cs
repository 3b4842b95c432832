using System.Diagnostics;
using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Ten times more requests than the pool has connections, while every connection is slow, get quick 503s instead of
/// waiting; the app never opens more connections than its cap and recovers by itself.</summary>
public sealed class PoolExhaustionTests(ITestOutputHelper output)
{
    private const int PoolSize = 10;

    [Fact]
    public async Task Ten_times_the_pool_gets_quick_503s_never_more_connections_than_the_cap_and_recovers_by_itself()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_pool");
        await using var db = NpgsqlDataSource.Create(connectionString);
        var data = new TestData(db);
        var appConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = PoolSize,
            ApplicationName = "jkboats-pool-test",
        }.ConnectionString;
        await using var app = new JkBoatsApp(appConnectionString, new Dictionary<string, string?>
        {
            ["ConnectionStrings:JkBoats"] = appConnectionString,
            ["JkBoats:RateLimits:ConcurrentRequests"] = "8",
            ["JkBoats:RateLimits:QueuedRequests"] = "8",
            ["Email:Worker:Enabled"] = "false",
        });
        using var http = app.CreateHttpClient();
        var departure = await data.CreateDepartureAsync(capacity: 500);
        var free = await data.CreateDepartureAsync(capacity: 10);

        // Warm this app instance up first (its pools, lanes and first request), so "quick" below measures the refusals and not
        // the first request's start-up: once in a full CI run every one of the 100 answers took over 500 ms, the slow ones too.
        Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(free.DepartureId, 1))).Status);

        // Every booking that gets in waits for this lock, holding its connection: the slowest the database gets.
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await holder.OpenAsync();
        var tx = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("select id from departures where id = @id for update", new { id = departure.DepartureId }, tx);

        var peak = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            await using var observer = await db.OpenConnectionAsync();
            while (!stopSampling.IsCancellationRequested)
            {
                var count = await observer.ExecuteScalarAsync<int>("select count(*)::int from pg_stat_activity where application_name = 'jkboats-pool-test'");
                peak = Math.Max(peak, count);
                await Task.Delay(20);
            }
        });

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, PoolSize * 10).Select(async _ =>
        {
            var started = clock.Elapsed;
            var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1));
            return (answer.Status, Error: answer.Status == 201 ? null : answer.Body.GetProperty("error").GetString(), Took: clock.Elapsed - started,
                RetryAfter: answer.Response.Headers.RetryAfter?.ToString());
        }));
        await tx.RollbackAsync();
        await tx.DisposeAsync();
        stopSampling.Cancel();
        await sampler;

        var quick = answers.Count(a => a.Took < TimeSpan.FromMilliseconds(500));
        output.WriteLine($"{answers.Length} requests in {clock.ElapsedMilliseconds} ms: " +
            string.Join(", ", answers.GroupBy(a => (a.Status, a.Error)).Select(g => $"{g.Key.Status} {g.Key.Error}x{g.Count()}")) +
            $"; {quick} answered within 500 ms; peak {peak} app connections (cap {PoolSize})");
        Assert.All(answers, a => Assert.Equal((503, "busy"), (a.Status, a.Error)));
        Assert.All(answers, a => Assert.NotNull(a.RetryAfter));
        Assert.True(quick >= answers.Length - 16, $"only {quick} quick answers");
        Assert.InRange(peak, 1, PoolSize);

        var recovered = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1));
        Assert.Equal(201, recovered.Status);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Empty(await data.InvariantViolationsAsync());
    }
}
