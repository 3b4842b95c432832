using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using JkBoats.Data.Departures;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Data.Bookings;

/// <summary>
/// Books seats. Every booking runs in an explicit transaction that locks the departure row first, so
/// available_seats + confirmed seats = capacity holds for every departure at every moment.
/// <para>
/// Requests for the same departure that arrive while a transaction for it is running are coalesced: the next
/// transaction takes the departure's lock once and decides them one by one in arrival order, each all-or-nothing
/// with its own answer, exactly as if they had run one after another. A hot departure then pays for one lock wait
/// and one commit per batch instead of per request.
/// </para>
/// </summary>
public sealed class BookingEngine(
    NpgsqlDataSource db, IOptions<JkBoatsOptions> options, TimeProvider clock, OutboxSignal outbox, AvailabilitySignal availability,
    OpsMetrics metrics, ILogger<BookingEngine> log)
{
    private const string UniqueViolation = "23505";
    private const int MaxCollisionRetries = 5;
    private const string Operation = "book";

    private readonly ConcurrentDictionary<Guid, DepartureQueue> _queues = new();

    public async Task<BookingOutcome> BookAsync(BookingCommand command, CancellationToken ct)
    {
        var pending = new PendingBooking(command, Fingerprint(command.Booking), clock.GetTimestamp());
        Enqueue(pending);
        try
        {
            var outcome = await pending.Outcome.Task.WaitAsync(ct);
            metrics.Booking(command.Channel, Outcomes.Of(outcome));
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.Booking(command.Channel, Outcomes.SystemError);
            throw;
        }
    }

    /// <summary>What makes two requests "the same request" for an idempotency key.</summary>
    public static string Fingerprint(ValidBooking booking)
    {
        var canonical = string.Join('\n', booking.DepartureId, booking.Seats, booking.Customer.Email ?? "", booking.Customer.FullName, booking.Customer.Phone);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private void Enqueue(PendingBooking pending, bool first = false)
    {
        var departureId = pending.Command.Booking.DepartureId;
        while (true)
        {
            var queue = _queues.GetOrAdd(departureId, _ => new DepartureQueue());
            lock (queue)
            {
                if (queue.Retired)
                {
                    continue;
                }
                if (first)
                {
                    queue.Waiting.Insert(0, pending);
                }
                else
                {
                    queue.Waiting.Add(pending);
                }
                if (queue.Running)
                {
                    return;
                }
                queue.Running = true;
            }
            _ = Task.Run(() => DrainAsync(departureId, queue));
            return;
        }
    }

    /// <summary>Books what is waiting for one departure, a batch per transaction, until nothing is left.</summary>
    private async Task DrainAsync(Guid departureId, DepartureQueue queue)
    {
        var maxBatch = Math.Max(1, options.Value.BookingBatchSize);
        while (true)
        {
            List<PendingBooking> batch;
            lock (queue)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Running = false;
                    queue.Retired = true;
                    _queues.TryRemove(new KeyValuePair<Guid, DepartureQueue>(departureId, queue));
                    return;
                }
                var take = Math.Min(maxBatch, queue.Waiting.Count);
                batch = queue.Waiting.GetRange(0, take);
                queue.Waiting.RemoveRange(0, take);
            }
            try
            {
                await BookBatchAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetException(e);
                }
            }
        }
    }

    private async Task BookBatchAsync(List<PendingBooking> batch)
    {
        // A second request with an idempotency key already in this batch is answered after the first, as if it had
        // come next: a replay of the first one's booking, or 422 for a different body.
        var firsts = new Dictionary<string, PendingBooking>(StringComparer.Ordinal);
        var twins = new List<(PendingBooking Twin, PendingBooking First)>();
        var primaries = new List<PendingBooking>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Command.IdempotencyKey is not { } key)
            {
                primaries.Add(pending);
            }
            else if (firsts.TryGetValue(key, out var first))
            {
                twins.Add((pending, first));
            }
            else
            {
                firsts.Add(key, pending);
                primaries.Add(pending);
            }
        }

        await BookPrimariesAsync(primaries);

        var again = new List<PendingBooking>();
        foreach (var (twin, first) in twins)
        {
            var answer = first.Outcome.Task.IsCompletedSuccessfully ? first.Outcome.Task.Result : null;
            if (answer is BookingOutcome.Confirmed confirmed)
            {
                twin.Outcome.TrySetResult(twin.Fingerprint == first.Fingerprint
                    ? confirmed with { Replayed = true }
                    : new BookingOutcome.IdempotencyKeyReused());
            }
            else if (answer is BookingOutcome.Busy)
            {
                twin.Outcome.TrySetResult(answer);
            }
            else
            {
                again.Add(twin); // nothing was booked under the key: decided afresh in the next transaction
            }
        }
        for (var i = again.Count - 1; i >= 0; i--)
        {
            Enqueue(again[i], first: true);
        }
    }

    private async Task BookPrimariesAsync(List<PendingBooking> batch)
    {
        var settings = options.Value;
        var started = batch.Min(p => p.Started);
        var conflicts = 0;
        var collisions = 0;
        var retries = 0;
        while (true)
        {
            var lockTimeout = settings.LockTimeout - clock.GetElapsedTime(started);
            var timing = LockTiming.Begin();
            try
            {
                if (lockTimeout <= TimeSpan.Zero)
                {
                    AnswerBusy(batch, "lock wait budget spent");
                    return;
                }
                var outcomes = await BookOnceAsync(batch, lockTimeout);
                metrics.Retries(Operation, retries);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Outcome.TrySetResult(outcomes[i]);
                }
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                if (++conflicts > settings.MaxTransactionRetries)
                {
                    AnswerBusy(batch, e.SqlState);
                    return;
                }
                Retried(e.SqlState, ref retries);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * conflicts)));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled)
            {
                // The lock wait budget is shared by all attempts: a stuck lock fails fast.
                if (clock.GetElapsedTime(started) >= settings.LockTimeout)
                {
                    AnswerBusy(batch, e.SqlState);
                    return;
                }
                Retried(e.SqlState, ref retries);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && ++collisions <= MaxCollisionRetries)
            {
                // A concurrent twin with the same idempotency key won, or a confirmation code collided: the
                // next attempt sees the twin's booking, or draws new codes.
                log.LogDebug("Booking batch retried after unique violation on {Constraint}", e.ConstraintName);
                Retried(e.SqlState, ref retries);
            }
            catch (NpgsqlException e) when (e.IsTransient)
            {
                log.LogWarning(e, "Booking on {DepartureId} could not reach the database", batch[0].Command.Booking.DepartureId);
                AnswerBusy(batch, "database unavailable");
                return;
            }
            finally
            {
                // One lock wait and one hold per transaction, which decides the whole batch.
                if (timing.Waited is { } waited)
                {
                    metrics.LockWait(Operation, waited);
                    metrics.LockHeld(Operation, timing.Held);
                }
            }
        }
    }

    private void Retried(string sqlState, ref int retries)
    {
        metrics.Retry(Operation, LockedTransaction.RetryReason(sqlState));
        retries++;
    }

    private void AnswerBusy(List<PendingBooking> batch, string reason)
    {
        log.LogWarning("{Count} booking(s) on {DepartureId} answered busy: {Reason}", batch.Count, batch[0].Command.Booking.DepartureId, reason);
        foreach (var pending in batch)
        {
            pending.Outcome.TrySetResult(new BookingOutcome.Busy(TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>
    /// One transaction for a batch of requests on one departure, in three round trips: (1) earlier bookings with
    /// the same idempotency keys and, last, the departure's lock; (2) the customers, bookings, emails and seats of
    /// all accepted requests, in one statement; (3) commit. The lock is held only for (2) and (3).
    /// </summary>
    private async Task<BookingOutcome[]> BookOnceAsync(List<PendingBooking> batch, TimeSpan lockTimeout)
    {
        var departureId = batch[0].Command.Booking.DepartureId;
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();

        const string prepare = """
            select set_config('lock_timeout', @LockTimeout, true) || set_config('statement_timeout', @StatementTimeout, true);

            select bk.id as booking_id, bk.confirmation_code, bk.status, bk.departure_id, b.name as boat_name,
                   d.departure_time, d.destination, bk.seats_booked, bk.total_price, bk.email, bk.full_name,
                   bk.phone, bk.created_at, bk.request_fingerprint, bk.idempotency_key
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            where bk.idempotency_key = any(@Keys);

            select d.status, d.departure_time, d.destination, d.available_seats, d.price_per_seat, b.name as boat_name
            from departures d
            join boats b on b.id = d.boat_id
            where d.id = @DepartureId
            for no key update of d;
            """;
        var lockWaitStarted = LockTiming.StartWaiting();
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(prepare, new
        {
            LockTimeout = $"{Math.Max(1, (int)lockTimeout.TotalMilliseconds)}ms",
            StatementTimeout = LockedTransaction.StatementTimeoutWithin(lockTimeout, options.Value.StatementTimeout),
            Keys = batch.Select(p => p.Command.IdempotencyKey).OfType<string>().ToArray(),
            DepartureId = departureId,
        }, tx));
        await results.ReadAsync<string>();
        var earlier = (await results.ReadAsync<EarlierBooking>()).ToDictionary(e => e.IdempotencyKey, StringComparer.Ordinal);
        var departure = await results.ReadSingleOrDefaultAsync<LockedDeparture>();
        LockTiming.Acquired(lockWaitStarted);

        var outcomes = new BookingOutcome[batch.Count];
        var accepted = new List<NewBooking>();
        var now = clock.GetUtcNow().UtcDateTime;
        var available = departure?.AvailableSeats ?? 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var booking = pending.Command.Booking;
            if (pending.Command.IdempotencyKey is { } key && earlier.TryGetValue(key, out var previous))
            {
                outcomes[i] = previous.RequestFingerprint == pending.Fingerprint
                    ? new BookingOutcome.Confirmed(previous.ToConfirmation(), Replayed: true)
                    : new BookingOutcome.IdempotencyKeyReused();
            }
            else if (departure is null)
            {
                outcomes[i] = new BookingOutcome.DepartureNotFound();
            }
            else if (departure.Status == "cancelled")
            {
                outcomes[i] = new BookingOutcome.DepartureClosed("cancelled");
            }
            else if (departure.DepartureTime <= now)
            {
                outcomes[i] = new BookingOutcome.DepartureClosed("departed");
            }
            else if (available < booking.Seats)
            {
                outcomes[i] = new BookingOutcome.InsufficientCapacity(available, booking.Seats);
            }
            else
            {
                available -= booking.Seats;
                accepted.Add(new NewBooking(i, Guid.NewGuid(), ConfirmationCode.New(), Guid.NewGuid(), booking.Seats * departure.PricePerSeat));
            }
        }
        if (accepted.Count == 0)
        {
            return outcomes; // rolled back: a refused request writes nothing
        }

        // One statement under the lock: the customers (only of accepted requests, a refused one writes nothing; in
        // email order, the last request's name and phone winning), the bookings, their confirmation emails (committed
        // together with the bookings, or not at all) and the seats taken.
        const string takeSeats = """
            with customer_rows as (
                select distinct on (coalesce(lower(c.email), c.id::text)) c.id, c.email, c.full_name, c.phone
                from unnest(@CustomerIds::uuid[], @Emails::text[], @Names::text[], @Phones::text[])
                     with ordinality as c(id, email, full_name, phone, arrival)
                order by coalesce(lower(c.email), c.id::text), c.arrival desc
            ), upserted as (
                insert into customers (id, email, full_name, phone)
                select id, email, full_name, phone from customer_rows
                on conflict ((lower(email))) do update
                    set full_name = excluded.full_name, phone = excluded.phone, updated_at = now()
                returning id, email
            ), taken as (
                update departures
                set available_seats = available_seats - @Seats, updated_at = now()
                where id = @DepartureId
            ), booked as (
                insert into bookings (id, confirmation_code, departure_id, customer_id, seats_booked, total_price, status,
                                      full_name, email, phone, channel, idempotency_key, request_fingerprint)
                select b.id, b.code, @DepartureId, coalesce(upserted.id, b.customer_id), b.seats, b.total_price, 'confirmed',
                       b.full_name, b.email, b.phone, b.channel, b.idempotency_key, b.fingerprint
                from unnest(@Ids::uuid[], @Codes::text[], @CustomerIds::uuid[], @SeatCounts::int[], @Totals::numeric[],
                            @Names::text[], @Emails::text[], @Phones::text[], @Channels::text[], @Keys::text[], @Fingerprints::text[])
                     as b(id, code, customer_id, seats, total_price, full_name, email, phone, channel, idempotency_key, fingerprint)
                left join upserted on lower(upserted.email) = lower(b.email)
                returning id, email, created_at
            ), queued as (
                insert into email_outbox (kind, booking_id, recipient)
                select @EmailKind, booked.id, booked.email
                from booked
                where booked.email is not null
            )
            select min(created_at) from booked
            """;
        BookingCommand Command(NewBooking a) => batch[a.Index].Command;
        var createdAt = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(takeSeats, new
        {
            DepartureId = departureId,
            Seats = accepted.Sum(a => Command(a).Booking.Seats),
            Ids = accepted.Select(a => a.BookingId).ToArray(),
            Codes = accepted.Select(a => a.Code).ToArray(),
            CustomerIds = accepted.Select(a => a.CustomerId).ToArray(),
            SeatCounts = accepted.Select(a => Command(a).Booking.Seats).ToArray(),
            Totals = accepted.Select(a => a.TotalPrice).ToArray(),
            Names = accepted.Select(a => Command(a).Booking.Customer.FullName).ToArray(),
            Emails = accepted.Select(a => Command(a).Booking.Customer.Email).ToArray(),
            Phones = accepted.Select(a => Command(a).Booking.Customer.Phone).ToArray(),
            Channels = accepted.Select(a => Command(a).Channel.ToString().ToLowerInvariant()).ToArray(),
            Keys = accepted.Select(a => Command(a).IdempotencyKey).ToArray(),
            Fingerprints = accepted.Select(a => Command(a).IdempotencyKey is null ? null : batch[a.Index].Fingerprint).ToArray(),
            EmailKind = EmailKinds.BookingConfirmed,
        }, tx));

        await tx.CommitAsync();
        outbox.Poke();
        availability.Raise();

        log.LogInformation("Booked {Count} booking(s), {Seats} seats, on {DepartureId} in one transaction of {BatchSize}",
            accepted.Count, departure!.AvailableSeats - available, departureId, batch.Count);

        foreach (var a in accepted)
        {
            var command = Command(a);
            var booking = command.Booking;
            outcomes[a.Index] = new BookingOutcome.Confirmed(new BookingConfirmation(
                a.BookingId, a.Code, "confirmed", departureId, departure.BoatName, departure.DepartureTime,
                departure.Destination, booking.Seats, a.TotalPrice, booking.Customer.Email, booking.Customer.FullName,
                booking.Customer.Phone, createdAt), Replayed: false);
        }
        return outcomes;
    }

    private sealed class DepartureQueue
    {
        public List<PendingBooking> Waiting { get; } = [];

        public bool Running { get; set; }

        /// <summary>Removed from the map: a new request makes a new queue.</summary>
        public bool Retired { get; set; }
    }

    private sealed record PendingBooking(BookingCommand Command, string Fingerprint, long Started)
    {
        public TaskCompletionSource<BookingOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record NewBooking(int Index, Guid BookingId, string Code, Guid CustomerId, decimal TotalPrice);

    private sealed record LockedDeparture(string Status, DateTime DepartureTime, string Destination, int AvailableSeats, decimal PricePerSeat, string BoatName);

    private sealed record EarlierBooking(
        Guid BookingId, string ConfirmationCode, string Status, Guid DepartureId, string BoatName, DateTime DepartureTime,
        string Destination, int SeatsBooked, decimal TotalPrice, string? Email, string FullName, string Phone,
        DateTime CreatedAt, string? RequestFingerprint, string IdempotencyKey)
    {
        public BookingConfirmation ToConfirmation() => new(
            BookingId, ConfirmationCode, Status, DepartureId, BoatName, DepartureTime, Destination, SeatsBooked,
            TotalPrice, Email, FullName, Phone, CreatedAt);
    }
}
