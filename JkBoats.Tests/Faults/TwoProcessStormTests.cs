using System.Diagnostics;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Fault 1 with real processes: two `dotnet JkBoats.Web.dll` instances (two runtimes, two pools) on one database.</summary>
public sealed class TwoProcessStormTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task Three_hundred_requests_through_two_app_processes_for_five_seats_sell_exactly_five_and_never_fail()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_procstorm");
        await using var db = NpgsqlDataSource.Create(connectionString);
        var data = new TestData(db);
        var started = Stopwatch.StartNew();
        var (startedA, startedB) = await AppProcess.StartPairAsync(connectionString, ct: deadline.Token);
        await using var a = startedA;
        await using var b = startedB;
        output.WriteLine($"two processes ({a.ProcessId}, {b.ProcessId}) ready in {started.ElapsedMilliseconds} ms");
        using var httpA = a.CreateHttpClient();
        using var httpB = b.CreateHttpClient();
        var departure = await data.CreateDepartureAsync(capacity: 5);

        var clock = Stopwatch.StartNew();
        var attempts = await Storm.RunAsync(300, seed: 15, async (i, _) =>
        {
            var answer = await BookingApi.PostAsync(i % 2 == 0 ? httpA : httpB, BookingApi.Body(departure.DepartureId, 1));
            return new StormAttempt(1, answer.Status, answer.Status == 201 ? null : answer.Body.GetProperty("error").GetString());
        }).WaitAsync(deadline.Token);

        var state = await data.SeatStateAsync(departure.DepartureId);
        output.WriteLine($"two processes: {attempts.Count} requests in {clock.ElapsedMilliseconds} ms, statuses " +
            string.Join(", ", attempts.GroupBy(x => (x.Status, x.Error)).Select(g => $"{g.Key.Status} {g.Key.Error}x{g.Count()}")));
        Assert.Equal(5, attempts.Count(x => x.Status == 201));
        Assert.DoesNotContain(attempts, x => x.Status >= 500);
        Assert.All(attempts.Where(x => x.Status != 201), x => Assert.Equal((400, "insufficient_capacity"), (x.Status, x.Error)));
        Assert.Equal(new SeatState(5, 0, 5, 5), state);
        Assert.Empty(await data.InvariantViolationsAsync());
        Assert.False(a.HasExited || b.HasExited, "an app process died during the storm");
        Assert.DoesNotContain(a.Output.Concat(b.Output), line => line.Contains("deadlock", StringComparison.OrdinalIgnoreCase));
    }
}
