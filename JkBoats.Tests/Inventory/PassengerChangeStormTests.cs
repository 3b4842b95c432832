using Dapper;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Inventory;

/// <summary>Passengers taken off bookings (the manage link's partial cancel) while others book the freed seats, cancel and correct
/// names, all at once: every freed seat and place is returned exactly once and sold at most once.</summary>
public sealed class PassengerChangeStormTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;
    private SeatInventory _inventory = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_passenger_changes"));
        _data = new TestData(_db);
        _inventory = Inventories.Create(_db, new JkBoatsOptions { LockTimeout = TimeSpan.FromSeconds(20) });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static readonly ValidPassenger[] FamilyOfFour =
    [
        new("adult", "Lead", null, null, null), new("adult", "Second", null, null, null),
        new("child", "Third", null, null, null), new("infant", "Fourth", null, null, null),
    ];

    private async Task<Guid> BookFamilyAsync(Guid departureId) =>
        Assert.IsType<BookingOutcome.Confirmed>(await _inventory.BookAsync(new BookingCommand(
            new ValidBooking(departureId, 3, new CustomerDetails("Family", $"f-{Guid.NewGuid():N}@example.com", "+14155550177"), FamilyOfFour),
            BookingChannel.Api, null), CancellationToken.None)).Booking.BookingId;

    private static BookingCommand Adults(Guid departureId, int seats) =>
        new(new ValidBooking(departureId, seats, new CustomerDetails("Walk Up", $"w-{Guid.NewGuid():N}@example.com", "+14155550178")), BookingChannel.Api, null);

    [Fact]
    public async Task Removals_bookings_cancels_and_renames_at_once_never_oversell_and_return_every_freed_seat_once()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 30, fares: TestData.FamilyFares, maxPersons: 40);
        var families = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            families.Add(await BookFamilyAsync(departure.DepartureId));
        }
        var random = new Random(16);
        var work = Enumerable.Range(0, 160).Select(_ => (Kind: random.Next(4), Pick: random.Next(1000))).ToList();
        var results = await Task.WhenAll(work.Select(async w =>
        {
            await Task.Yield();
            var family = families[w.Pick % families.Count];
            return w.Kind switch
            {
                // Take off the second adult, the child or the infant (the same one twice is answered 'unknown').
                0 => $"remove {(await _inventory.RemovePassengersAsync(family, [2 + w.Pick % 3], "test", null, CancellationToken.None)).Result}",
                1 => (await _inventory.BookAsync(Adults(departure.DepartureId, 1 + w.Pick % 3), CancellationToken.None)).GetType().Name,
                2 => $"rename {(await _inventory.CorrectNamesAsync(family, new Dictionary<int, string?> { [1] = $"Lead {w.Pick}" }, "test", null, CancellationToken.None)).Result}",
                _ => w.Pick % 5 == 0
                    ? $"cancel {(await _inventory.CancelBookingAsync(family, "storm", "test", null, CancellationToken.None)).Result}"
                    : $"remove {(await _inventory.RemovePassengersAsync(family, [2, 3], "test", null, CancellationToken.None)).Result}",
            };
        }));
        output.WriteLine(string.Join(", ", results.GroupBy(r => r).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));

        Assert.Contains(results, r => r == $"remove {ChangeResult.Done}");
        Assert.Contains(results, r => r == nameof(BookingOutcome.Confirmed));
        Assert.DoesNotContain(results, r => r.EndsWith(nameof(ChangeResult.Busy), StringComparison.Ordinal));
        Assert.Empty(await _data.InvariantViolationsAsync());
        var persons = await _data.PersonStateAsync(departure.DepartureId);
        var seats = await _data.SeatStateAsync(departure.DepartureId);
        output.WriteLine($"{seats}; {persons}");
        Assert.Equal(seats.ConfirmedSeats, persons.ConfirmedSeatPassengers);
        Assert.Equal(persons.ConfirmedPersons, persons.ConfirmedPassengers);
        await using var connection = await _db.OpenConnectionAsync();
        // Every booking's total is what its remaining passengers cost, and no infant is left without a lap.
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("""
            select count(*)::int from bookings b
            where b.departure_id = @DepartureId and b.status = 'confirmed'
              and (b.total_price <> (select coalesce(sum(price), 0) from passengers p where p.booking_id = b.id)
                   or (select count(*) filter (where not takes_seat) from passengers p where p.booking_id = b.id)
                      > (select count(*) filter (where takes_seat) from passengers p where p.booking_id = b.id))
            """, new { departure.DepartureId }));
    }

    [Fact]
    public async Task The_invariant_check_sees_the_seats_lost_when_removals_skip_the_departure_lock()
    {
        // Negative control (test-only SQL, never shipped): the same removal as a read-check-write of the departure's counters without its
        // lock, racing bookings of the freed seats. Overwritten counters break available + confirmed = capacity, and the check says so.
        var departure = await _data.CreateDepartureAsync(capacity: 60, fares: TestData.FamilyFares, maxPersons: 80);
        var families = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            families.Add(await BookFamilyAsync(departure.DepartureId));
        }
        // Each family's second passenger is removed by exactly one of its two racing tasks, so ten removals reach the read. They all read
        // before any writes (a rendezvous, not a sleep: under load a 5 ms window alone let the removals run one after another and the
        // control passed nothing to the check, as it did once in CI).
        var allRead = new Rendezvous(families.Count);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await Task.Yield();
            if (i % 2 == 1)
            {
                await _inventory.BookAsync(Adults(departure.DepartureId, 1), CancellationToken.None);
                return;
            }
            var family = families[i / 2 % families.Count];
            await using var connection = await _db.OpenConnectionAsync();
            if (await connection.ExecuteAsync("delete from passengers where booking_id = @family and position = 2", new { family }) == 0)
            {
                return;
            }
            await connection.ExecuteAsync("update bookings set seats_booked = seats_booked - 1, persons = persons - 1 where id = @family", new { family });
            var (available, availablePersons) = await connection.QuerySingleAsync<(int, int)>(
                "select available_seats, available_persons from departures where id = @DepartureId", new { departure.DepartureId });
            await allRead.ArriveAsync(); // app work between the read and the write, as in every unlocked design
            await connection.ExecuteAsync("update departures set available_seats = @seats, available_persons = @persons where id = @DepartureId",
                new { seats = available + 1, persons = availablePersons + 1, departure.DepartureId });
        }));

        var violations = await _data.InvariantViolationsAsync();
        output.WriteLine($"{await _data.SeatStateAsync(departure.DepartureId)}; violations {violations.Count}");
        Assert.Contains(departure.DepartureId, violations);
    }
}
