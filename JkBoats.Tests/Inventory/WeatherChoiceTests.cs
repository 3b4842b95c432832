using Dapper;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Inventory;

/// <summary>A weather cancellation with a choice: the departure stops selling at once, its bookings wait for their passengers' choice
/// (one of the offered departures while seats last, or cancel), the default decides the rest; every seat change is the locked move or
/// cancel, so concurrent choices never oversell an alternative.</summary>
public sealed class WeatherChoiceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;
    private SeatInventory _inventory = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_weather"));
        _data = new TestData(_db);
        _inventory = Inventories.Create(_db, new JkBoatsOptions { LockTimeout = TimeSpan.FromSeconds(20) });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Guid> BookAsync(Guid departureId, int seats, string? email = "") =>
        Assert.IsType<BookingOutcome.Confirmed>(await _inventory.BookAsync(new BookingCommand(new ValidBooking(departureId, seats,
            new CustomerDetails("Rainy Day", email == "" ? $"r-{Guid.NewGuid():N}@example.com" : email, "+14155550177")),
            email is null ? BookingChannel.Desk : BookingChannel.Api, null), CancellationToken.None)).Booking.BookingId;

    private Task<WeatherPlanOutcome> PlanAsync(Guid departureId, IReadOnlyList<Guid> alternatives, WeatherDefault defaultAction = WeatherDefault.Cancel,
        TimeSpan? deadline = null) =>
        _inventory.StartWeatherChoiceAsync(new WeatherPlanRequest(departureId, "Gale warning", alternatives,
            DateTime.UtcNow + (deadline ?? TimeSpan.FromHours(3)), defaultAction, "admin@jkboats.example"), CancellationToken.None);

    private async Task<(string Status, Guid DepartureId, string? Choice)> StateAsync(Guid bookingId)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, Guid, string?)>("""
            select b.status, b.departure_id, (select state from weather_choices c where c.booking_id = b.id) from bookings b where b.id = @bookingId
            """, new { bookingId });
    }

    [Fact]
    public async Task Starting_the_choice_cancels_the_departure_keeps_its_bookings_and_emails_everyone_with_an_address()
    {
        var storm = await _data.CreateDepartureAsync(capacity: 10);
        var later = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(1));
        var first = await BookAsync(storm.DepartureId, 3);
        var second = await BookAsync(storm.DepartureId, 2);
        var walkIn = await BookAsync(storm.DepartureId, 1, email: null);

        var outcome = await PlanAsync(storm.DepartureId, [later.DepartureId]);

        Assert.Equal((WeatherPlanResult.Done, 3, 6, 2), (outcome.Result, outcome.Bookings, outcome.Passengers, outcome.Emails));
        Assert.Equal(("confirmed", storm.DepartureId, "waiting"), await StateAsync(first));
        Assert.Equal(new SeatState(10, 4, 6, 3), await _data.SeatStateAsync(storm.DepartureId));
        Assert.IsType<BookingOutcome.DepartureClosed>(await _inventory.BookAsync(new BookingCommand(new ValidBooking(storm.DepartureId, 1,
            new CustomerDetails("Late", "late@example.com", "+14155550177")), BookingChannel.Api, null), CancellationToken.None));
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from email_outbox where kind = 'weather_choice' and booking_id = any(@ids)", new { ids = new[] { first, second, walkIn } }));
        Assert.Equal(WeatherPlanResult.AlreadyCancelled, (await PlanAsync(storm.DepartureId, [later.DepartureId])).Result);
        Assert.Empty(await _data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task Bad_plans_change_nothing()
    {
        var storm = await _data.CreateDepartureAsync(capacity: 10);
        var gone = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(1));
        await _data.CancelDepartureAsync(gone.DepartureId);
        await BookAsync(storm.DepartureId, 2);

        Assert.Equal(WeatherPlanResult.NoAlternatives, (await PlanAsync(storm.DepartureId, [])).Result);
        Assert.Equal(WeatherPlanResult.NoAlternatives, (await PlanAsync(storm.DepartureId, [storm.DepartureId])).Result);
        Assert.Equal(WeatherPlanResult.AlternativeNotBookable, (await PlanAsync(storm.DepartureId, [gone.DepartureId])).Result);
        Assert.Equal(WeatherPlanResult.AlternativeNotBookable, (await PlanAsync(storm.DepartureId, [Guid.NewGuid()])).Result);
        Assert.Equal(WeatherPlanResult.DeadlineInvalid, (await PlanAsync(storm.DepartureId, [gone.DepartureId], deadline: TimeSpan.FromMinutes(-1))).Result);
        Assert.Equal(WeatherPlanResult.NotFound, (await PlanAsync(Guid.NewGuid(), [storm.DepartureId])).Result);
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal("scheduled", await connection.ExecuteScalarAsync<string>("select status from departures where id = @DepartureId", new { storm.DepartureId }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from weather_plans where departure_id = @DepartureId", new { storm.DepartureId }));
    }

    [Fact]
    public async Task Each_passenger_moves_to_an_offered_departure_while_seats_last_or_cancels_once()
    {
        var storm = await _data.CreateDepartureAsync(capacity: 10);
        var small = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(1));
        var notOffered = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(2));
        await BookAsync(small.DepartureId, 7);
        var mover = await BookAsync(storm.DepartureId, 2);
        var tooBig = await BookAsync(storm.DepartureId, 3);
        var quitter = await BookAsync(storm.DepartureId, 1);
        await PlanAsync(storm.DepartureId, [small.DepartureId]);

        Assert.Equal(ChangeResult.TargetNotBookable, (await _inventory.ChooseWeatherOptionAsync(mover, notOffered.DepartureId, "customer", CancellationToken.None)).Result);
        Assert.Equal(ChangeResult.Done, (await _inventory.ChooseWeatherOptionAsync(mover, small.DepartureId, "customer", CancellationToken.None)).Result);
        Assert.Equal(ChangeResult.NotEnoughSeats, (await _inventory.ChooseWeatherOptionAsync(tooBig, small.DepartureId, "customer", CancellationToken.None)).Result);
        Assert.Equal(ChangeResult.Done, (await _inventory.ChooseWeatherOptionAsync(quitter, null, "customer", CancellationToken.None)).Result);
        Assert.Equal(ChangeResult.NothingToChange, (await _inventory.ChooseWeatherOptionAsync(quitter, small.DepartureId, "customer", CancellationToken.None)).Result);

        Assert.Equal(("confirmed", small.DepartureId, "moved"), await StateAsync(mover));
        Assert.Equal(("confirmed", storm.DepartureId, "waiting"), await StateAsync(tooBig));
        Assert.Equal(("cancelled", storm.DepartureId, "cancelled"), await StateAsync(quitter));
        Assert.Equal(new SeatState(10, 1, 9, 2), await _data.SeatStateAsync(small.DepartureId));
        Assert.Equal(new SeatState(10, 7, 3, 1), await _data.SeatStateAsync(storm.DepartureId));
        Assert.Empty(await _data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task After_the_deadline_a_choice_is_refused_and_the_default_moves_the_rest_in_order_or_cancels_them()
    {
        var storm = await _data.CreateDepartureAsync(capacity: 10);
        var first = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(1));
        var second = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(2));
        await BookAsync(first.DepartureId, 6);
        await BookAsync(second.DepartureId, 7);
        var bookings = new[] { await BookAsync(storm.DepartureId, 4), await BookAsync(storm.DepartureId, 3), await BookAsync(storm.DepartureId, 2) };
        await PlanAsync(storm.DepartureId, [first.DepartureId, second.DepartureId], WeatherDefault.Move, deadline: TimeSpan.FromMilliseconds(300));
        await Task.Delay(400);

        Assert.Equal(ChangeResult.TooLate, (await _inventory.ChooseWeatherOptionAsync(bookings[0], first.DepartureId, "customer", CancellationToken.None)).Result);
        Assert.Equal(1, await _inventory.ApplyDueWeatherDefaultsAsync(CancellationToken.None));

        // In the order the default takes them, each moves to the first offered departure that still has room (4 seats free on the
        // first, 3 on the second) and is cancelled when none has.
        await using var connection = await _db.OpenConnectionAsync();
        var order = (await connection.QueryAsync<(Guid BookingId, int Seats)>("""
            select c.booking_id, b.seats_booked from weather_choices c join bookings b on b.id = c.booking_id order by c.booking_id
            """)).AsList();
        var free = new Dictionary<Guid, int> { [first.DepartureId] = 4, [second.DepartureId] = 3 };
        foreach (var (bookingId, seats) in order)
        {
            var state = await StateAsync(bookingId);
            var fits = new[] { first.DepartureId, second.DepartureId }.Where(d => free[d] >= seats).ToList();
            output.WriteLine($"{seats} seats: {state}");
            if (fits.Count == 0)
            {
                Assert.Equal(("cancelled", storm.DepartureId, "cancelled"), state);
                continue;
            }
            Assert.Equal(("confirmed", fits[0], "moved"), state);
            free[fits[0]] -= seats;
        }
        Assert.Equal(0, await _inventory.ApplyDueWeatherDefaultsAsync(CancellationToken.None));
        Assert.Equal(new SeatState(10, 10, 0, 0), await _data.SeatStateAsync(storm.DepartureId));
        Assert.Empty(await _data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task A_storm_of_choices_bookings_desk_moves_and_the_default_never_oversells_an_alternative()
    {
        var storm = await _data.CreateDepartureAsync(capacity: 60);
        var alternatives = new[]
        {
            await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(1)), await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(2)),
        };
        var bookings = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            bookings.Add(await BookAsync(storm.DepartureId, 1 + i % 3));
        }
        await PlanAsync(storm.DepartureId, alternatives.Select(a => a.DepartureId).ToList(), WeatherDefault.Move);

        var random = new Random(7);
        var work = Enumerable.Range(0, 120).Select(_ => (Kind: random.Next(5), Pick: random.Next(1000))).ToList();
        var results = await Task.WhenAll(work.Select(async w =>
        {
            await Task.Yield();
            var booking = bookings[w.Pick % bookings.Count];
            var alternative = alternatives[w.Pick % 2].DepartureId;
            return w.Kind switch
            {
                0 or 1 => $"choose {(await _inventory.ChooseWeatherOptionAsync(booking, alternative, "customer", CancellationToken.None)).Result}",
                2 => $"cancel {(await _inventory.ChooseWeatherOptionAsync(booking, null, "customer", CancellationToken.None)).Result}",
                3 => (await _inventory.BookAsync(new BookingCommand(new ValidBooking(alternative, 1 + w.Pick % 4,
                    new CustomerDetails("Other", $"o-{w.Pick}@example.com", "+14155550177")), BookingChannel.Api, null), CancellationToken.None)).GetType().Name,
                _ => w.Pick % 10 == 0
                    ? $"default {(await _inventory.ApplyWeatherDefaultAsync(storm.DepartureId, "admin", CancellationToken.None)).Moved}"
                    : $"desk move {(await _inventory.MoveBookingAsync(booking, alternative, "desk", CancellationToken.None)).Result}",
            };
        }));
        output.WriteLine(string.Join(", ", results.GroupBy(r => r).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));

        Assert.Contains(results, r => r == $"choose {ChangeResult.Done}");
        Assert.DoesNotContain(results, r => r.EndsWith(nameof(ChangeResult.Busy), StringComparison.Ordinal));
        Assert.Empty(await _data.InvariantViolationsAsync());
        foreach (var alternative in alternatives)
        {
            var seats = await _data.SeatStateAsync(alternative.DepartureId);
            output.WriteLine($"{alternative.DepartureId}: {seats}");
            Assert.Equal(seats.Capacity, seats.AvailableSeats + seats.ConfirmedSeats);
        }
        await using var connection = await _db.OpenConnectionAsync();
        // Every choice says where its booking is: moved ones off the cancelled departure (the desk may move them on again), cancelled
        // ones cancelled, waiting ones still confirmed on it.
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("""
            select count(*)::int from weather_choices c join bookings b on b.id = c.booking_id
            where (c.state = 'moved' and b.departure_id = @DepartureId)
               or (c.state = 'cancelled' and b.status <> 'cancelled')
               or (c.state = 'waiting' and (b.status <> 'confirmed' or b.departure_id <> @DepartureId))
            """, new { storm.DepartureId }));
    }

    [Fact]
    public async Task The_invariant_check_sees_an_alternative_oversold_when_choices_skip_the_departure_lock()
    {
        // Negative control (test-only SQL, never shipped): choices as a read-check-write of the alternative's seats without its lock,
        // while locked bookings sell the same seats. Racing writes overwrite each other and the check sees it.
        var storm = await _data.CreateDepartureAsync(capacity: 60);
        var alternative = await _data.AddDepartureAsync(storm, storm.DepartureTime.AddDays(1));
        var bookings = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            bookings.Add(await BookAsync(storm.DepartureId, 1));
        }
        await PlanAsync(storm.DepartureId, [alternative.DepartureId]);
        // The twenty unlocked moves all read before any of them writes (a rendezvous: a sleep alone can let them run one after
        // another on a loaded machine, and then the control shows the check nothing).
        var allRead = new Rendezvous(bookings.Count);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await Task.Yield();
            if (i % 2 == 1)
            {
                await _inventory.BookAsync(new BookingCommand(new ValidBooking(alternative.DepartureId, 1,
                    new CustomerDetails("Other", $"o-{i}@example.com", "+14155550177")), BookingChannel.Api, null), CancellationToken.None);
                return;
            }
            await using var connection = await _db.OpenConnectionAsync();
            var available = await connection.ExecuteScalarAsync<int>("select available_seats from departures where id = @DepartureId", new { alternative.DepartureId });
            await allRead.ArriveAsync(); // app work between the read and the write, as in every unlocked design
            await connection.ExecuteAsync("""
                update bookings set departure_id = @target where id = @booking;
                update weather_choices set state = 'moved', chosen_departure_id = @target, decided_at = now() where booking_id = @booking;
                update departures set available_seats = available_seats + 1, available_persons = available_persons + 1 where id = @source;
                update departures set available_seats = @left, available_persons = available_persons - 1 where id = @target;
                """, new { booking = bookings[i / 2], target = alternative.DepartureId, source = storm.DepartureId, left = available - 1 });
        }));

        var violations = await _data.InvariantViolationsAsync();
        output.WriteLine($"{await _data.SeatStateAsync(alternative.DepartureId)}; violations {violations.Count}");
        Assert.Contains(alternative.DepartureId, violations);
    }
}
