using Dapper;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Data;

/// <summary>The storm must be able to catch an oversell: the same storm against a read-check-write without the
/// departure lock (test-only SQL, never shipped) oversells, and the invariant check sees it.</summary>
public sealed class UnlockedBookingNegativeControlTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_control"));

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_storm_detects_an_oversell_when_bookings_skip_the_departure_lock()
    {
        var data = new TestData(_db);
        var departure = await data.CreateDepartureAsync(capacity: 50);
        Guid customerId;
        await using (var connection = await _db.OpenConnectionAsync())
        {
            customerId = await connection.ExecuteScalarAsync<Guid>(
                "insert into customers (email, full_name, phone) values ('control@example.com', 'Control', '+14155550100') returning id");
        }

        var attempts = await Storm.RunAsync(300, seed: 2026, async (i, seats) =>
        {
            await using var connection = await _db.OpenConnectionAsync();
            var available = await connection.ExecuteScalarAsync<int>(
                "select available_seats from departures where id = @DepartureId", new { departure.DepartureId });
            if (available < seats)
            {
                return new StormAttempt(seats, 400, "insufficient_capacity");
            }
            await Task.Delay(5); // app work between the read and the write: the window every unlocked design has, made wide enough to be met on any machine
            await connection.ExecuteAsync("""
                update departures set available_seats = @left where id = @DepartureId;
                insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, total_price, full_name, email, phone)
                values (@code, @DepartureId, @customerId, @seats, 0, 'Control', 'control@example.com', '+14155550100');
                """, new { left = available - seats, departure.DepartureId, customerId, seats, code = $"CTL-{i:00000}" });
            return new StormAttempt(seats, 201, null);
        });

        var state = await data.SeatStateAsync(departure.DepartureId);
        output.WriteLine($"unlocked control: {attempts.Count(a => a.Status == 201)} bookings, {state.ConfirmedSeats} seats sold of {state.Capacity}, available_seats = {state.AvailableSeats}");
        Assert.True(state.ConfirmedSeats > state.Capacity,
            $"expected the unlocked design to oversell, but it sold {state.ConfirmedSeats} of {state.Capacity} ({attempts.Count(a => a.Status == 201)} bookings)");
        Assert.Contains(departure.DepartureId, await data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task The_storm_detects_too_many_persons_on_board_when_family_bookings_skip_the_departure_lock()
    {
        var data = new TestData(_db);
        var departure = await data.CreateDepartureAsync(capacity: 40, fares: TestData.FamilyFares, maxPersons: 48);
        Guid customerId;
        await using (var connection = await _db.OpenConnectionAsync())
        {
            customerId = await connection.ExecuteScalarAsync<Guid>(
                "insert into customers (email, full_name, phone) values ('family-control@example.com', 'Control', '+14155550100') returning id");
        }

        // The same parties as the family storm, read-check-write on seats and persons without the lock.
        var attempts = await Storm.RunAsync(240, seed: 14, async (i, _) =>
        {
            var party = Api.PassengerStormTests.Party(departure.DepartureId, 1000 + i);
            await using var connection = await _db.OpenConnectionAsync();
            var (seatsLeft, personsLeft) = await connection.QuerySingleAsync<(int, int)>(
                "select available_seats, available_persons from departures where id = @DepartureId", new { departure.DepartureId });
            if (seatsLeft < party.Seats || personsLeft < party.Persons)
            {
                return new StormAttempt(party.Seats, 400, "insufficient_capacity");
            }
            await Task.Delay(5); // app work between the read and the write: the window every unlocked design has, made wide enough to be met on any machine
            await connection.ExecuteAsync("""
                update departures set available_seats = greatest(@seatsLeft, 0), available_persons = greatest(@personsLeft, 0) where id = @DepartureId;
                insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, persons, total_price, full_name, email, phone)
                values (@code, @DepartureId, @customerId, @seats, @persons, 0, 'Control', 'family-control@example.com', '+14155550100');
                """, new
            {
                seatsLeft = seatsLeft - party.Seats, personsLeft = personsLeft - party.Persons, departure.DepartureId, customerId,
                seats = party.Seats, persons = party.Persons, code = $"CTF-{i:00000}",
            });
            return new StormAttempt(party.Seats, 201, null);
        });

        var persons = await data.PersonStateAsync(departure.DepartureId);
        output.WriteLine($"unlocked family control: {attempts.Count(a => a.Status == 201)} bookings, {persons.ConfirmedPersons} persons of {persons.MaxPersons}");
        Assert.True(persons.ConfirmedPersons > persons.MaxPersons,
            $"expected the unlocked design to put too many persons on board, but it booked {persons.ConfirmedPersons} of {persons.MaxPersons}");
        Assert.Contains(departure.DepartureId, await data.InvariantViolationsAsync());
    }
}
