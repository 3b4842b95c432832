using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Data.Schedule;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Staff;

[Collection(AppCollection.Name)]
public sealed class BookingChangeTests(AppFixture fixture)
{
    private readonly HttpClient _api = fixture.CreateClient();

    private SeatInventory Changes => fixture.App.Services.GetRequiredService<SeatInventory>();

    private ScheduleRepository Schedule => fixture.App.Services.GetRequiredService<ScheduleRepository>();

    private async Task<Guid> BookAsync(Guid departureId, int seats)
    {
        var answer = await BookingApi.PostAsync(_api, BookingApi.Body(departureId, seats));
        Assert.Equal(201, answer.Status);
        return answer.Body.GetProperty("booking_id").GetGuid();
    }

    [Fact]
    public async Task Cancelling_returns_the_seats_once_even_when_asked_twice()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var booking = await BookAsync(departure.DepartureId, 4);

        var first = await Changes.CancelBookingAsync(booking, "Changed plans", "test", cutoff: null, CancellationToken.None);
        var second = await Changes.CancelBookingAsync(booking, "Changed plans", "test", cutoff: null, CancellationToken.None);

        Assert.Equal(ChangeResult.Done, first.Result);
        Assert.Equal(ChangeResult.NothingToChange, second.Result);
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Moving_takes_seats_from_the_target_and_refuses_when_it_is_too_full()
    {
        var source = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 20m);
        var target = await fixture.Data.CreateDepartureAsync(capacity: 5, price: 30m);
        var small = await BookAsync(source.DepartureId, 3);
        var big = await BookAsync(source.DepartureId, 4);

        var moved = await Changes.MoveBookingAsync(small, target.DepartureId, "test", CancellationToken.None);
        var refused = await Changes.MoveBookingAsync(big, target.DepartureId, "test", CancellationToken.None);

        Assert.Equal(ChangeResult.Done, moved.Result);
        Assert.Equal((ChangeResult.NotEnoughSeats, 2, 4), (refused.Result, refused.AvailableSeats, refused.SeatsNeeded));
        Assert.Equal(new SeatState(10, 6, 4, 1), await fixture.Data.SeatStateAsync(source.DepartureId));
        Assert.Equal(new SeatState(5, 2, 3, 1), await fixture.Data.SeatStateAsync(target.DepartureId));
    }

    [Fact]
    public async Task Concurrent_cancels_moves_and_bookings_keep_every_departure_consistent()
    {
        var a = await fixture.Data.CreateDepartureAsync(capacity: 30);
        var b = await fixture.Data.CreateDepartureAsync(capacity: 30);
        var onA = new List<Guid>();
        var onB = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            onA.Add(await BookAsync(a.DepartureId, 2));
            onB.Add(await BookAsync(b.DepartureId, 2));
        }

        var work = new List<Func<Task<int>>>();
        foreach (var id in onA.Take(4)) work.Add(async () => (int)(await Changes.MoveBookingAsync(id, b.DepartureId, "test", CancellationToken.None)).Result);
        foreach (var id in onB.Take(4)) work.Add(async () => (int)(await Changes.MoveBookingAsync(id, a.DepartureId, "test", CancellationToken.None)).Result);
        foreach (var id in onA.Skip(4).Concat(onB.Skip(4))) work.Add(async () => (int)(await Changes.CancelBookingAsync(id, "storm", "test", null, CancellationToken.None)).Result);
        for (var i = 0; i < 30; i++)
        {
            var target = i % 2 == 0 ? a : b;
            work.Add(async () => (await BookingApi.PostAsync(_api, BookingApi.Body(target.DepartureId, 1 + i % 3))).Status);
        }
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = work.Select(w => Task.Run(async () => { await gate.Task; return await w(); })).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.DoesNotContain((int)ChangeResult.Busy, results.Take(16));
        Assert.DoesNotContain(results.Skip(16), status => status >= 500);
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
        var stateA = await fixture.Data.SeatStateAsync(a.DepartureId);
        var stateB = await fixture.Data.SeatStateAsync(b.DepartureId);
        Assert.Equal(30, stateA.ConfirmedSeats + stateA.AvailableSeats);
        Assert.Equal(30, stateB.ConfirmedSeats + stateB.AvailableSeats);
    }

    [Fact]
    public async Task Changing_to_a_smaller_boat_is_refused_with_the_numbers_and_a_bigger_one_brings_its_capacity()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        await BookAsync(departure.DepartureId, 4);
        await BookAsync(departure.DepartureId, 4);
        var smallBoat = await Schedule.CreateBoatAsync($"Dinghy {Guid.NewGuid():N}"[..20], 5, 5, false, CancellationToken.None);
        var bigBoat = await Schedule.CreateBoatAsync($"Ferry {Guid.NewGuid():N}"[..20], 12, 12, true, CancellationToken.None);
        var edit = new DepartureEdit(departure.DepartureTime, departure.PricePerSeat, smallBoat, departure.Destination);

        var refused = await Changes.EditDepartureAsync(departure.DepartureId, edit, CancellationToken.None);
        var accepted = await Changes.EditDepartureAsync(departure.DepartureId, edit with { BoatId = bigBoat }, CancellationToken.None);

        Assert.Equal((ScheduleResult.CapacityTooSmall, 8, 5), (refused.Result, refused.Booked, refused.NewCapacity));
        Assert.Equal((ScheduleResult.Done, 8, 12), (accepted.Result, accepted.Booked, accepted.NewCapacity));
        Assert.Equal(new SeatState(12, 4, 8, 2), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_weather_cancellation_cancels_every_booking_and_releases_the_seats()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var bookings = new[] { await BookAsync(departure.DepartureId, 2), await BookAsync(departure.DepartureId, 3) };

        var (outcome, affected) = await Changes.CancelDepartureAsync(departure.DepartureId, "Storm warning", moveTo: null, "test", CancellationToken.None);

        Assert.Equal((ScheduleResult.Done, 2, 5), (outcome.Result, outcome.Count, outcome.Booked));
        Assert.Equal(bookings.Order(), affected.Order());
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
        var again = await BookingApi.PostAsync(_api, BookingApi.Body(departure.DepartureId, 1));
        Assert.Equal(409, again.Status);
    }

    [Fact]
    public async Task A_weather_cancellation_can_move_everyone_to_a_departure_with_room_or_changes_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var tooSmall = await fixture.Data.CreateDepartureAsync(capacity: 4);
        var roomy = await fixture.Data.CreateDepartureAsync(capacity: 20, price: 40m);
        await BookAsync(departure.DepartureId, 2);
        await BookAsync(departure.DepartureId, 3);

        var (refused, _) = await Changes.CancelDepartureAsync(departure.DepartureId, "Storm", tooSmall.DepartureId, "test", CancellationToken.None);
        Assert.Equal((ScheduleResult.TargetTooSmall, 5, 4), (refused.Result, refused.Booked, refused.NewCapacity));
        Assert.Equal(new SeatState(10, 5, 5, 2), await fixture.Data.SeatStateAsync(departure.DepartureId));

        var (moved, affected) = await Changes.CancelDepartureAsync(departure.DepartureId, "Storm", roomy.DepartureId, "test", CancellationToken.None);
        Assert.Equal(ScheduleResult.Done, moved.Result);
        Assert.Equal(2, affected.Count);
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
        Assert.Equal(new SeatState(20, 15, 5, 2), await fixture.Data.SeatStateAsync(roomy.DepartureId));
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }
}
