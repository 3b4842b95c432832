using JkBoats.Tests.Infrastructure;
using Xunit.Abstractions;

namespace JkBoats.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class BookingStormTests(AppFixture fixture, ITestOutputHelper output)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Three_hundred_concurrent_bookings_for_fifty_seats_never_oversell()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 50);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var attempts = await Storm.RunAsync(300, seed: 2026, async (_, seats) =>
        {
            var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, seats));
            return new StormAttempt(seats, answer.Status, answer.Status == 201 ? null : answer.Body.GetProperty("error").GetString());
        });

        var confirmed = attempts.Where(a => a.Status == 201).ToList();
        var refused = attempts.Where(a => a.Status != 201).ToList();
        Assert.All(refused, a => Assert.Equal((400, "insufficient_capacity"), (a.Status, a.Error)));
        Assert.NotEmpty(refused);
        var state = await fixture.Data.SeatStateAsync(departure.DepartureId);
        output.WriteLine($"storm: {attempts.Count} requests in {clock.ElapsedMilliseconds} ms, {confirmed.Count} confirmed ({state.ConfirmedSeats} seats), " +
            $"{refused.Count} refused, {state.AvailableSeats} seats left, statuses {string.Join(", ", attempts.GroupBy(a => a.Status).Select(g => $"{g.Key}x{g.Count()}"))}");
        Assert.Equal(confirmed.Sum(a => a.Seats), state.ConfirmedSeats);
        Assert.Equal(confirmed.Count, state.ConfirmedBookings);
        Assert.Equal(50, state.ConfirmedSeats + state.AvailableSeats);
        Assert.InRange(state.AvailableSeats, 0, 2);
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_requests_with_one_idempotency_key_book_exactly_once()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 30);
        var body = BookingApi.Body(departure.DepartureId, 2);
        var key = $"storm-{Guid.NewGuid()}";

        var answers = await Storm.RunAsync(20, seed: 7, async (_, _) =>
        {
            var answer = await BookingApi.PostAsync(_http, body, key);
            return new StormAttempt(2, answer.Status, answer.Body.GetProperty("booking_id").GetString());
        });

        Assert.All(answers, a => Assert.Equal(201, a.Status));
        Assert.Single(answers.Select(a => a.Error).Distinct());
        Assert.Equal(new SeatState(30, 28, 2, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }
}
