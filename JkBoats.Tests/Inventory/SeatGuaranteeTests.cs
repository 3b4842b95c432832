using Dapper;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Inventory;

/// <summary>Each guarantee the seat inventory makes, proven deterministically on a database of its own: each test turns red
/// when the code that makes its guarantee is removed (the departure row lock, the CHECK constraint, the idempotency
/// look-up, the outbox insert, the seat release of a cancel, the availability signal).</summary>
public sealed class SeatGuaranteeTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;
    private readonly AvailabilitySignal _availability = new();
    private SeatInventory _inventory = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_guarantees"));
        _data = new TestData(_db);
        _inventory = Inventories.Create(_db, new JkBoatsOptions { LockTimeout = TimeSpan.FromSeconds(20) }, _availability);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static BookingCommand Command(Guid departureId, int seats, string? key = null, string? email = null) =>
        new(new ValidBooking(departureId, seats, new CustomerDetails("Lock Test", email ?? $"guest-{Guid.NewGuid():N}@example.com", "+14155550177")),
            BookingChannel.Api, key);

    [Fact]
    public async Task A_booking_waiting_for_the_departure_lock_sees_the_seats_another_transaction_took_and_is_refused()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 2);
        await using var foreign = await _db.OpenConnectionAsync();
        await using var tx = await foreign.BeginTransactionAsync();
        await TakeAllSeatsAsync(foreign, tx, departure.DepartureId, 2);

        var booking = _inventory.BookAsync(Command(departure.DepartureId, 1), CancellationToken.None);
        await Eventually.HoldsAsync(() => LockWaitersAsync(foreign.ProcessID), TimeSpan.FromSeconds(20), "the booking to wait for the departure's row lock");
        await tx.CommitAsync();
        var outcome = await booking.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new BookingOutcome.InsufficientCapacity(0, 1), outcome);
        Assert.Equal(new SeatState(2, 0, 2, 1), await _data.SeatStateAsync(departure.DepartureId));
        Assert.Empty(await _data.InvariantViolationsAsync());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task The_database_refuses_a_seat_count_below_zero_or_above_capacity(int availableSeats)
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        await using var connection = await _db.OpenConnectionAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "update departures set available_seats = @availableSeats where id = @DepartureId", new { availableSeats, departure.DepartureId }));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal(new SeatState(10, 10, 0, 0), await _data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_request_repeated_with_its_key_after_the_first_committed_replays_that_booking_and_takes_no_seats()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        var command = Command(departure.DepartureId, 3, key: "retry-" + Guid.NewGuid());

        var first = Assert.IsType<BookingOutcome.Confirmed>(await _inventory.BookAsync(command, CancellationToken.None));
        var again = Assert.IsType<BookingOutcome.Confirmed>(await _inventory.BookAsync(command, CancellationToken.None));

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.Booking.BookingId, again.Booking.BookingId);
        Assert.Equal(new SeatState(10, 7, 3, 1), await _data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Every_booking_with_an_email_commits_with_exactly_one_confirmation_email_queued()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _inventory.BookAsync(Command(departure.DepartureId, 2), CancellationToken.None)));

        var ids = outcomes.Select(o => Assert.IsType<BookingOutcome.Confirmed>(o).Booking.BookingId).ToArray();
        await using var connection = await _db.OpenConnectionAsync();
        var queued = (await connection.QueryAsync<(Guid BookingId, string Kind)>(
            "select booking_id, kind from email_outbox where booking_id = any(@ids)", new { ids })).ToList();
        Assert.Equal(ids.Order(), queued.Select(q => q.BookingId).Order());
        Assert.All(queued, q => Assert.Equal("booking_confirmed", q.Kind));
    }

    [Fact]
    public async Task Cancelling_a_booking_returns_its_seats_and_queues_its_cancellation_email_in_the_same_commit()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        var booked = Assert.IsType<BookingOutcome.Confirmed>(await _inventory.BookAsync(Command(departure.DepartureId, 4), CancellationToken.None));

        var cancelled = await _inventory.CancelBookingAsync(booked.Booking.BookingId, "plans changed", "test", cutoff: null, CancellationToken.None);

        Assert.Equal(ChangeResult.Done, cancelled.Result);
        Assert.Equal(new SeatState(10, 10, 0, 0), await _data.SeatStateAsync(departure.DepartureId));
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "select count(*) from email_outbox where booking_id = @BookingId and kind = 'booking_cancelled'", new { booked.Booking.BookingId }));
    }

    [Fact]
    public async Task Every_commit_that_changes_seats_raises_the_availability_signal_and_a_refusal_does_not()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        var later = await _data.AddDepartureAsync(departure, departure.DepartureTime.AddHours(3));
        var raised = 0;
        _availability.Changed += () => Interlocked.Increment(ref raised);
        async Task<int> RaisedBy(Func<Task> change)
        {
            var before = Volatile.Read(ref raised);
            await change();
            return Volatile.Read(ref raised) - before;
        }
        Guid bookingId = default;

        Assert.Equal(1, await RaisedBy(async () =>
            bookingId = Assert.IsType<BookingOutcome.Confirmed>(await _inventory.BookAsync(Command(departure.DepartureId, 2), CancellationToken.None)).Booking.BookingId));
        Assert.Equal(0, await RaisedBy(() => _inventory.BookAsync(Command(departure.DepartureId, 20), CancellationToken.None)));
        Assert.Equal(1, await RaisedBy(() => _inventory.MoveBookingAsync(bookingId, later.DepartureId, "test", CancellationToken.None)));
        Assert.Equal(1, await RaisedBy(() => _inventory.CancelBookingAsync(bookingId, "test", "test", null, CancellationToken.None)));
        Assert.Equal(1, await RaisedBy(() => _inventory.EditDepartureAsync(departure.DepartureId,
            new DepartureEdit(departure.DepartureTime.AddMinutes(30), 30m, departure.BoatId, departure.Destination), CancellationToken.None)));
        Assert.Equal(1, await RaisedBy(() => _inventory.CancelDepartureAsync(later.DepartureId, "weather", null, "test", CancellationToken.None)));
    }

    private static async Task TakeAllSeatsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid departureId, int seats)
    {
        const string sql = """
            with customer as (
                insert into customers (email, full_name, phone) values (@email, 'Foreign Booker', '+14155550178') returning id
            ), taken as (
                update departures set available_seats = available_seats - @seats, available_persons = available_persons - @seats
                where id = @departureId
            )
            insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, total_price, status, full_name, email, phone, channel)
            select @code, @departureId, customer.id, @seats, 0, 'confirmed', 'Foreign Booker', @email, '+14155550178', 'desk'
            from customer
            """;
        await connection.ExecuteAsync(sql, new
        {
            departureId, seats, email = $"foreign-{Guid.NewGuid():N}@example.com", code = ConfirmationCode.New(),
        }, tx);
    }

    private async Task<bool> LockWaitersAsync(int exceptPid)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("""
            select exists (select 1 from pg_stat_activity
                           where datname = current_database() and wait_event_type = 'Lock' and pid <> @exceptPid)
            """, new { exceptPid });
    }
}
