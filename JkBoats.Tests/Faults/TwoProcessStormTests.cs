using System.Diagnostics;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Two app processes (<c>dotnet JkBoats.Web.dll</c>: two runtimes, two pools) on one database fighting over five seats
/// sell exactly five, refuse every other request as insufficient_capacity, and neither fails nor logs a deadlock.</summary>
public sealed class TwoProcessStormTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task Three_hundred_requests_through_two_app_processes_for_five_seats_sell_exactly_five_and_never_fail()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await using var pair = await AppProcessPair.StartAsync("jkboats_procstorm", ct: deadline.Token);
        output.WriteLine(pair.ToString());
        var data = pair.Data;
        using var httpA = pair.A.CreateHttpClient();
        using var httpB = pair.B.CreateHttpClient();
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
        Assert.False(pair.EitherHasExited, "an app process died during the storm");
        Assert.DoesNotContain(pair.A.Output.Concat(pair.B.Output), line => line.Contains("deadlock", StringComparison.OrdinalIgnoreCase));
    }
}
