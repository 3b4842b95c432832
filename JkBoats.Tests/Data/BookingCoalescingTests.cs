using Dapper;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Data;

/// <summary>Concurrent requests for one departure are booked together, a batch per transaction: each still gets its own
/// all-or-nothing answer, as if the requests had come one by one.</summary>
public sealed class BookingCoalescingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_batch"));
        _data = new TestData(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private SeatInventory Engine(int batchSize = 100, int lanes = 4, TimeSpan? lockTimeout = null) => Inventories.Create(_db, new JkBoatsOptions
    {
        BookingBatchSize = batchSize,
        BookingLanes = lanes,
        LockTimeout = lockTimeout ?? new JkBoatsOptions().LockTimeout,
    });

    private static BookingCommand Command(Guid departureId, int seats, string email, string? key = null, string name = "Storm Guest") =>
        new(new ValidBooking(departureId, seats, new CustomerDetails(name, email, "+14155550132")), BookingChannel.Api, key);

    private sealed record BookingRow(Guid Id, string ConfirmationCode, int SeatsBooked, string Email, Guid CustomerId, DateTime CreatedAt);

    [Fact]
    public async Task A_storm_on_one_departure_is_booked_in_shared_transactions_and_every_request_gets_its_own_answer()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 120);
        var engine = Engine();
        var seats = Enumerable.Range(0, 400).Select(i => 1 + i % 4).ToArray();
        new Random(42).Shuffle(seats);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = seats.Select((n, i) => Task.Run(async () =>
        {
            await gate.Task;
            return await engine.BookAsync(Command(departure.DepartureId, n, $"batch-{i}@example.com"), CancellationToken.None);
        })).ToList();
        gate.SetResult();
        var outcomes = await Task.WhenAll(tasks);
        var requests = seats.Select((n, i) => (Seats: n, Email: $"batch-{i}@example.com", Outcome: outcomes[i])).ToList();

        await using var connection = await _db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<BookingRow>(
            "select id, confirmation_code, seats_booked, email, customer_id, created_at from bookings where departure_id = @DepartureId",
            new { departure.DepartureId })).ToDictionary(r => r.Email);
        var confirmed = requests.Where(r => r.Outcome is BookingOutcome.Confirmed).ToList();
        var refused = requests.Where(r => r.Outcome is BookingOutcome.InsufficientCapacity).ToList();
        var state = await _data.SeatStateAsync(departure.DepartureId);
        var transactions = rows.Values.Select(r => r.CreatedAt).Distinct().Count();
        output.WriteLine($"{confirmed.Count} confirmed in {transactions} transactions, {refused.Count} refused, {state.AvailableSeats} seats left");

        Assert.Equal(requests.Count, confirmed.Count + refused.Count);
        Assert.Equal(confirmed.Count, rows.Count);
        foreach (var request in confirmed)
        {
            var answer = ((BookingOutcome.Confirmed)request.Outcome).Booking;
            var row = rows[request.Email];
            Assert.Equal((row.Id, row.ConfirmationCode, row.SeatsBooked, row.CustomerId != Guid.Empty), (answer.BookingId, answer.ConfirmationCode, request.Seats, true));
            Assert.Equal(request.Email, answer.Email);
            Assert.Equal(request.Seats * departure.PricePerSeat, answer.TotalPrice);
        }
        foreach (var request in refused)
        {
            var answer = (BookingOutcome.InsufficientCapacity)request.Outcome;
            Assert.Equal(request.Seats, answer.Requested);
            Assert.InRange(answer.AvailableSeats, 0, request.Seats - 1);
            Assert.False(rows.ContainsKey(request.Email));
        }
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "select count(*) from customers where email = any(@emails)", new { emails = refused.Select(r => r.Email).ToArray() }));
        Assert.Equal(confirmed.Count, await connection.ExecuteScalarAsync<int>(
            "select count(*) from email_outbox o join bookings b on b.id = o.booking_id where b.departure_id = @DepartureId", new { departure.DepartureId }));
        Assert.Equal(new SeatState(120, 120 - confirmed.Sum(r => r.Seats), confirmed.Sum(r => r.Seats), confirmed.Count), state);
        Assert.InRange(state.AvailableSeats, 0, 3);
        Assert.Empty(await _data.InvariantViolationsAsync());
        Assert.True(transactions < confirmed.Count, $"expected shared transactions, got {transactions} for {confirmed.Count} bookings");
    }

    [Fact]
    public async Task Answers_follow_arrival_order_within_a_batch()
    {
        // 3 seats left; queued behind a first request, 2 + 2 + 1 arrive together: 2 is booked, the second 2 is
        // refused with 1 left, and the 1 after it still gets the last seat.
        var departure = await _data.CreateDepartureAsync(capacity: 4);
        var engine = Engine();
        var first = engine.BookAsync(Command(departure.DepartureId, 1, "first@example.com"), CancellationToken.None);
        var second = engine.BookAsync(Command(departure.DepartureId, 2, "second@example.com"), CancellationToken.None);
        var third = engine.BookAsync(Command(departure.DepartureId, 2, "third@example.com"), CancellationToken.None);
        var fourth = engine.BookAsync(Command(departure.DepartureId, 1, "fourth@example.com"), CancellationToken.None);

        Assert.IsType<BookingOutcome.Confirmed>(await first);
        Assert.IsType<BookingOutcome.Confirmed>(await second);
        Assert.Equal(new BookingOutcome.InsufficientCapacity(1, 2), await third);
        Assert.IsType<BookingOutcome.Confirmed>(await fourth);
        Assert.Equal(new SeatState(4, 0, 4, 3), await _data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task One_idempotency_key_sent_concurrently_with_two_bodies_books_once_and_refuses_the_other_body()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 30);
        var engine = Engine();
        var key = $"twins-{Guid.NewGuid()}";
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await engine.BookAsync(Command(departure.DepartureId, 1 + i % 2, "twin@example.com", key), CancellationToken.None);
        })).ToList();
        gate.SetResult();
        var outcomes = await Task.WhenAll(tasks);
        var requests = outcomes.Select((outcome, i) => (Seats: 1 + i % 2, Outcome: outcome)).ToList();

        var winner = requests.Where(r => r.Outcome is BookingOutcome.Confirmed { Replayed: false }).ToList();
        var booking = Assert.Single(winner);
        var bookingId = ((BookingOutcome.Confirmed)booking.Outcome).Booking.BookingId;
        foreach (var request in requests)
        {
            if (request.Seats == booking.Seats)
            {
                var confirmed = Assert.IsType<BookingOutcome.Confirmed>(request.Outcome);
                Assert.Equal(bookingId, confirmed.Booking.BookingId);
            }
            else
            {
                Assert.IsType<BookingOutcome.IdempotencyKeyReused>(request.Outcome);
            }
        }
        Assert.Equal(new SeatState(30, 30 - booking.Seats, booking.Seats, 1), await _data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_returning_customer_booking_twice_in_one_batch_is_one_customer_with_the_later_details()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        var engine = Engine();
        var blocker = engine.BookAsync(Command(departure.DepartureId, 1, "someone@example.com"), CancellationToken.None);
        var earlier = engine.BookAsync(Command(departure.DepartureId, 1, "same@example.com", name: "First Name"), CancellationToken.None);
        var later = engine.BookAsync(Command(departure.DepartureId, 2, "same@example.com", name: "Second Name"), CancellationToken.None);
        await Task.WhenAll(blocker, earlier, later);

        await using var connection = await _db.OpenConnectionAsync();
        var customer = await connection.QuerySingleAsync<(Guid Id, string FullName)>("select id, full_name from customers where email = 'same@example.com'");
        Assert.Equal("Second Name", customer.FullName);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select count(*) from bookings where customer_id = @Id", new { customer.Id }));
        Assert.Equal(new SeatState(10, 6, 4, 3), await _data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task With_a_batch_size_of_one_every_booking_has_its_own_transaction()
    {
        // The control for the storm above: the shared-transaction count it checks does tell batches apart.
        var departure = await _data.CreateDepartureAsync(capacity: 500);
        var engine = Engine(batchSize: 1);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => engine.BookAsync(Command(departure.DepartureId, 1, $"single-{i}@example.com"), CancellationToken.None)));

        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal(40, await connection.ExecuteScalarAsync<int>(
            "select count(distinct created_at) from bookings where departure_id = @DepartureId", new { departure.DepartureId }));
        Assert.Equal(new SeatState(500, 460, 40, 40), await _data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Requests_spread_over_many_departures_share_transactions_and_each_gets_its_own_answer()
    {
        // 30 departures of 6 seats, 360 requests of 1-3 seats at once through 2 lanes: most transactions decide several departures,
        // each departure's requests in arrival order, and no departure sells more than it has.
        var first = await _data.CreateDepartureAsync(capacity: 6);
        var departures = new List<TestDeparture> { first };
        for (var i = 1; i < 30; i++)
        {
            departures.Add(await _data.AddDepartureAsync(first, first.DepartureTime.AddMinutes(i)));
        }
        var engine = Engine(lanes: 2);
        var random = new Random(7);
        var requests = Enumerable.Range(0, 360).Select(i => (Departure: departures[random.Next(departures.Count)], Seats: 1 + random.Next(3), Email: $"spread-{i}-{Guid.NewGuid():N}@example.com")).ToList();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = requests.Select(r => Task.Run(async () =>
        {
            await gate.Task;
            return await engine.BookAsync(Command(r.Departure.DepartureId, r.Seats, r.Email), CancellationToken.None);
        })).ToList();
        gate.SetResult();
        var outcomes = await Task.WhenAll(tasks);

        await using var connection = await _db.OpenConnectionAsync();
        var ids = departures.Select(d => d.DepartureId).ToArray();
        var rows = (await connection.QueryAsync<(Guid DepartureId, string Email, int SeatsBooked, Guid Id, DateTime CreatedAt)>(
            "select departure_id, email, seats_booked, id, created_at from bookings where departure_id = any(@ids)", new { ids })).ToDictionary(r => r.Email);
        for (var i = 0; i < requests.Count; i++)
        {
            switch (outcomes[i])
            {
                case BookingOutcome.Confirmed { Booking: var booking }:
                    var row = rows[requests[i].Email];
                    Assert.Equal((row.Id, row.DepartureId, row.SeatsBooked), (booking.BookingId, requests[i].Departure.DepartureId, requests[i].Seats));
                    Assert.Equal(requests[i].Departure.DepartureId, booking.DepartureId);
                    break;
                case BookingOutcome.InsufficientCapacity refused:
                    Assert.False(rows.ContainsKey(requests[i].Email));
                    Assert.InRange(refused.AvailableSeats, 0, requests[i].Seats - 1);
                    break;
                default:
                    Assert.Fail($"request {i}: {outcomes[i]}");
                    break;
            }
        }
        Assert.Equal(outcomes.Count(o => o is BookingOutcome.Confirmed), rows.Count);
        foreach (var departure in departures)
        {
            var booked = rows.Values.Where(r => r.DepartureId == departure.DepartureId).Sum(r => r.SeatsBooked);
            Assert.Equal(new SeatState(6, 6 - booked, booked, rows.Values.Count(r => r.DepartureId == departure.DepartureId)), await _data.SeatStateAsync(departure.DepartureId));
        }
        Assert.Empty(await _data.InvariantViolationsAsync());
        var shared = rows.Values.GroupBy(r => r.CreatedAt).Count(g => g.Select(r => r.DepartureId).Distinct().Count() > 1);
        output.WriteLine($"{rows.Count} booked in {rows.Values.Select(r => r.CreatedAt).Distinct().Count()} transactions, {shared} of them on several departures");
        Assert.True(shared > 0, "no transaction decided more than one departure");
    }

    [Fact]
    public async Task A_departure_locked_by_other_work_does_not_hold_up_the_departures_sharing_its_batch()
    {
        // One lane, so every request waits in one line; departure A is locked by another session for longer than the lock budget.
        // A's requests are answered busy; B's, decided in the same batches, are booked regardless.
        var a = await _data.CreateDepartureAsync(capacity: 20);
        var b = await _data.AddDepartureAsync(a, a.DepartureTime.AddHours(1));
        var engine = Engine(lanes: 1, lockTimeout: TimeSpan.FromMilliseconds(600));
        await using var holder = await _db.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("select 1 from departures where id = @DepartureId for update", new { a.DepartureId }, tx);

        var tasks = Enumerable.Range(0, 20).Select(i => engine.BookAsync(
            Command(i % 2 == 0 ? a.DepartureId : b.DepartureId, 1, $"held-{i}-{Guid.NewGuid():N}@example.com"), CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(tasks);
        await tx.RollbackAsync();

        Assert.All(outcomes.Where((_, i) => i % 2 == 0), o => Assert.IsType<BookingOutcome.Busy>(o));
        Assert.All(outcomes.Where((_, i) => i % 2 == 1), o => Assert.IsType<BookingOutcome.Confirmed>(o));
        Assert.Equal(new SeatState(20, 10, 10, 10), await _data.SeatStateAsync(b.DepartureId));
        Assert.Equal(new SeatState(20, 20, 0, 0), await _data.SeatStateAsync(a.DepartureId));
    }

    [Fact]
    public async Task While_requests_wait_for_a_departure_other_work_holds_the_only_lane_books_the_other_departures()
    {
        // One lane and a long lock budget; departure A is locked by another session. A's requests arrive first and are waiting for
        // the lock when B's arrive: B's are booked while A's still wait (A's wait is not on the lane), and A's are booked once the
        // lock is released.
        var a = await _data.CreateDepartureAsync(capacity: 20);
        var b = await _data.AddDepartureAsync(a, a.DepartureTime.AddHours(1));
        var engine = Engine(lanes: 1, lockTimeout: TimeSpan.FromSeconds(60));
        await using var holder = await _db.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        var holderPid = holder.ProcessID;
        await holder.ExecuteAsync("select 1 from departures where id = @DepartureId for update", new { a.DepartureId }, tx);

        var forA = Enumerable.Range(0, 5).Select(i => engine.BookAsync(Command(a.DepartureId, 1, $"stuck-{i}-{Guid.NewGuid():N}@example.com"), CancellationToken.None)).ToList();
        await using (var watcher = await _db.OpenConnectionAsync())
        {
            var waiting = false;
            for (var tries = 0; tries < 300 && !waiting; tries++)
            {
                waiting = await watcher.ExecuteScalarAsync<bool>(
                    "select exists (select 1 from pg_stat_activity where @holderPid = any(pg_blocking_pids(pid)))", new { holderPid });
                await Task.Delay(waiting ? 0 : 20);
            }
            Assert.True(waiting, "no booking waited for departure A's lock");
        }
        var forB = Enumerable.Range(0, 5).Select(i => engine.BookAsync(Command(b.DepartureId, 1, $"free-{i}-{Guid.NewGuid():N}@example.com"), CancellationToken.None)).ToList();

        var all = Task.WhenAll(forB);
        var first = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(20)));
        var bookedMeanwhile = first == all && forA.All(t => !t.IsCompleted);
        await tx.RollbackAsync();
        Assert.True(bookedMeanwhile, "departure B's requests waited behind the requests for the locked departure A");
        Assert.All(await all, o => Assert.IsType<BookingOutcome.Confirmed>(o));
        Assert.All(await Task.WhenAll(forA), o => Assert.IsType<BookingOutcome.Confirmed>(o));
        Assert.Equal(new SeatState(20, 15, 5, 5), await _data.SeatStateAsync(b.DepartureId));
        Assert.Equal(new SeatState(20, 15, 5, 5), await _data.SeatStateAsync(a.DepartureId));
        Assert.Empty(await _data.InvariantViolationsAsync());
    }
}
