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

    [Fact(Timeout = 180_000)]
    public async Task Families_booking_through_two_app_processes_never_exceed_the_seats_or_the_persons_on_board()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await using var pair = await AppProcessPair.StartAsync("jkboats_procfamily", ct: deadline.Token);
        using var httpA = pair.A.CreateHttpClient();
        using var httpB = pair.B.CreateHttpClient();
        var departure = await pair.Data.CreateDepartureAsync(capacity: 12, fares: TestData.FamilyFares, maxPersons: 14);

        var attempts = await Storm.RunAsync(160, seed: 16, async (i, _) =>
        {
            var party = PassengerStormTests.Party(departure.DepartureId, 5000 + i);
            var answer = await BookingApi.PostRawAsync(i % 2 == 0 ? httpA : httpB, party.Json);
            return new StormAttempt(party.Persons * 100 + party.Seats, answer.Status, answer.Status == 201 ? null : answer.Body.GetProperty("error").GetString());
        }).WaitAsync(deadline.Token);

        var confirmed = attempts.Where(a => a.Status == 201).ToList();
        var seats = await pair.Data.SeatStateAsync(departure.DepartureId);
        var persons = await pair.Data.PersonStateAsync(departure.DepartureId);
        output.WriteLine($"two processes, families: {confirmed.Count} booked, {seats.ConfirmedSeats}/12 seats, {persons.ConfirmedPersons}/14 persons");
        Assert.All(attempts.Where(a => a.Status != 201), a => Assert.Equal((400, "insufficient_capacity"), (a.Status, a.Error)));
        Assert.Equal(confirmed.Sum(a => a.Seats % 100), seats.ConfirmedSeats);
        Assert.Equal(confirmed.Sum(a => a.Seats / 100), persons.ConfirmedPersons);
        Assert.InRange(seats.ConfirmedSeats, 1, 12);
        Assert.InRange(persons.ConfirmedPersons, 1, 14);
        Assert.Equal((seats.ConfirmedSeats, persons.ConfirmedPersons), (persons.ConfirmedSeatPassengers, persons.ConfirmedPassengers));
        Assert.Empty(await pair.Data.InvariantViolationsAsync());
        Assert.False(pair.EitherHasExited, "an app process died during the storm");
    }
}
