using System.Diagnostics;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Two app instances (two hosts, two pools) on one database fighting over the last seats sell exactly those seats.</summary>
[Collection(AppCollection.Name)]
public sealed class TwoInstanceStormTests(AppFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Three_hundred_requests_through_two_instances_for_five_seats_sell_exactly_five_and_never_fail()
    {
        await using var second = new JkBoatsApp(fixture.App.ConnectionString);
        using var a = fixture.CreateClient();
        using var b = second.CreateHttpClient();
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        var clock = Stopwatch.StartNew();

        var attempts = await Storm.RunAsync(300, seed: 5, async (i, _) =>
        {
            var answer = await BookingApi.PostAsync(i % 2 == 0 ? a : b, BookingApi.Body(departure.DepartureId, 1));
            return new StormAttempt(1, answer.Status, answer.Status == 201 ? null : answer.Body.GetProperty("error").GetString());
        });

        var state = await fixture.Data.SeatStateAsync(departure.DepartureId);
        output.WriteLine($"two instances: {attempts.Count} requests in {clock.ElapsedMilliseconds} ms, statuses " +
            string.Join(", ", attempts.GroupBy(x => (x.Status, x.Error)).Select(g => $"{g.Key.Status} {g.Key.Error}x{g.Count()}")));
        Assert.Equal(5, attempts.Count(x => x.Status == 201));
        Assert.All(attempts.Where(x => x.Status != 201), x => Assert.Equal((400, "insufficient_capacity"), (x.Status, x.Error)));
        Assert.Equal(new SeatState(5, 0, 5, 5), state);
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }
}
