using System.Security.Cryptography;
using System.Text;
using Dapper;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Data.Bookings;

/// <summary>
/// Books seats. Every booking is one explicit transaction that locks the departure row first, so
/// available_seats + confirmed seats = capacity holds for every departure at every moment.
/// </summary>
public sealed class BookingEngine(
    NpgsqlDataSource db, IOptions<JkBoatsOptions> options, TimeProvider clock, OutboxSignal outbox, OpsMetrics metrics, ILogger<BookingEngine> log)
{
    private const string UniqueViolation = "23505";
    private const int MaxCollisionRetries = 5;
    private const string Operation = "book";

    public async Task<BookingOutcome> BookAsync(BookingCommand command, CancellationToken ct)
    {
        try
        {
            var outcome = await BookWithRetriesAsync(command, ct);
            metrics.Booking(command.Channel, Outcomes.Of(outcome));
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.Booking(command.Channel, Outcomes.SystemError);
            throw;
        }
    }

    private async Task<BookingOutcome> BookWithRetriesAsync(BookingCommand command, CancellationToken ct)
    {
        var settings = options.Value;
        var fingerprint = Fingerprint(command.Booking);
        var started = clock.GetTimestamp();
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
                    return Busy(command, "lock wait budget spent");
                }
                var outcome = await BookOnceAsync(command, fingerprint, lockTimeout, ct);
                metrics.Retries(Operation, retries);
                return outcome;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                if (++conflicts > settings.MaxTransactionRetries)
                {
                    return Busy(command, e.SqlState);
                }
                Retried(e.SqlState, ref retries);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * conflicts)), ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
            {
                // The lock wait budget is shared by all attempts: a stuck lock fails fast.
                if (clock.GetElapsedTime(started) >= settings.LockTimeout)
                {
                    return Busy(command, e.SqlState);
                }
                Retried(e.SqlState, ref retries);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && ++collisions <= MaxCollisionRetries)
            {
                // A concurrent twin with the same idempotency key won, or a confirmation code collided: the
                // next attempt sees the twin's booking, or draws a new code.
                log.LogDebug("Booking retried after unique violation on {Constraint}", e.ConstraintName);
                Retried(e.SqlState, ref retries);
            }
            catch (NpgsqlException e) when (e.IsTransient && !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Booking on {DepartureId} could not reach the database", command.Booking.DepartureId);
                return Busy(command, "database unavailable");
            }
            finally
            {
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

    private BookingOutcome Busy(BookingCommand command, string reason)
    {
        log.LogWarning("Booking on {DepartureId} answered busy: {Reason}", command.Booking.DepartureId, reason);
        return new BookingOutcome.Busy(TimeSpan.FromSeconds(1));
    }

    private async Task<BookingOutcome> BookOnceAsync(BookingCommand command, string fingerprint, TimeSpan lockTimeout, CancellationToken ct)
    {
        var booking = command.Booking;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        const string setTimeouts = """
            select set_config('lock_timeout', @LockTimeout, true), set_config('statement_timeout', @StatementTimeout, true)
            """;
        await connection.ExecuteAsync(new CommandDefinition(setTimeouts, new
        {
            LockTimeout = $"{Math.Max(1, (int)lockTimeout.TotalMilliseconds)}ms",
            StatementTimeout = LockedTransaction.StatementTimeoutWithin(lockTimeout, options.Value.StatementTimeout),
        }, tx, cancellationToken: ct));

        if (command.IdempotencyKey is not null)
        {
            var earlier = await FindByIdempotencyKeyAsync(connection, tx, command.IdempotencyKey, ct);
            if (earlier is not null)
            {
                return earlier.RequestFingerprint == fingerprint
                    ? new BookingOutcome.Confirmed(earlier.ToConfirmation(), Replayed: true)
                    : new BookingOutcome.IdempotencyKeyReused();
            }
        }

        // Customers are locked before the departure by every booking, so the two locks never form a cycle;
        // the customer row is touched outside the departure's critical section.
        const string upsertCustomer = """
            insert into customers (email, full_name, phone)
            values (@Email, @FullName, @Phone)
            on conflict ((lower(email))) do update
                set full_name = excluded.full_name, phone = excluded.phone, updated_at = now()
            returning id
            """;
        var customerId = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(upsertCustomer, booking.Customer, tx, cancellationToken: ct));

        const string lockDeparture = """
            select d.status, d.departure_time, d.destination, d.available_seats, b.name as boat_name
            from departures d
            join boats b on b.id = d.boat_id
            where d.id = @DepartureId
            for no key update of d
            """;
        var lockWaitStarted = LockTiming.StartWaiting();
        var departure = await connection.QuerySingleOrDefaultAsync<LockedDeparture>(
            new CommandDefinition(lockDeparture, new { booking.DepartureId }, tx, cancellationToken: ct));
        LockTiming.Acquired(lockWaitStarted);

        if (departure is null)
        {
            return new BookingOutcome.DepartureNotFound();
        }
        if (departure.Status == "cancelled")
        {
            return new BookingOutcome.DepartureClosed("cancelled");
        }
        if (departure.DepartureTime <= clock.GetUtcNow().UtcDateTime)
        {
            return new BookingOutcome.DepartureClosed("departed");
        }
        if (departure.AvailableSeats < booking.Seats)
        {
            return new BookingOutcome.InsufficientCapacity(departure.AvailableSeats, booking.Seats);
        }

        // The confirmation email is queued in the same statement: committed together with the booking, or not at all.
        const string takeSeats = """
            with taken as (
                update departures
                set available_seats = available_seats - @Seats, updated_at = now()
                where id = @DepartureId
                returning price_per_seat
            ), booked as (
                insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, total_price, status,
                                      full_name, email, phone, channel, idempotency_key, request_fingerprint)
                select @Code, @DepartureId, @CustomerId, @Seats, @Seats * taken.price_per_seat, 'confirmed',
                       @FullName, @Email, @Phone, @Channel, @IdempotencyKey, @Fingerprint
                from taken
                returning id, total_price, created_at
            ), queued as (
                insert into email_outbox (kind, booking_id, recipient)
                select @EmailKind, booked.id, @Email
                from booked
                where @Email::text is not null
            )
            select id as booking_id, total_price, created_at
            from booked
            """;
        var code = ConfirmationCode.New();
        var inserted = await connection.QuerySingleAsync<InsertedBooking>(new CommandDefinition(takeSeats, new
        {
            Code = code,
            booking.DepartureId,
            CustomerId = customerId,
            booking.Seats,
            booking.Customer.FullName,
            booking.Customer.Email,
            booking.Customer.Phone,
            Channel = command.Channel.ToString().ToLowerInvariant(),
            command.IdempotencyKey,
            Fingerprint = command.IdempotencyKey is null ? null : fingerprint,
            EmailKind = EmailKinds.BookingConfirmed,
        }, tx, cancellationToken: ct));

        await tx.CommitAsync(ct);
        outbox.Poke();

        log.LogInformation("Booked {Seats} seats on {DepartureId} as {BookingId} via {Channel} (lock wait {LockWaitMs} ms)",
            booking.Seats, booking.DepartureId, inserted.BookingId, command.Channel, LockTiming.Current?.Waited?.TotalMilliseconds);

        return new BookingOutcome.Confirmed(new BookingConfirmation(
            inserted.BookingId, code, "confirmed", booking.DepartureId, departure.BoatName, departure.DepartureTime,
            departure.Destination, booking.Seats, inserted.TotalPrice, booking.Customer.Email, booking.Customer.FullName,
            booking.Customer.Phone, inserted.CreatedAt), Replayed: false);
    }

    private static async Task<EarlierBooking?> FindByIdempotencyKeyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        const string sql = """
            select bk.id as booking_id, bk.confirmation_code, bk.status, bk.departure_id, b.name as boat_name,
                   d.departure_time, d.destination, bk.seats_booked, bk.total_price, bk.email, bk.full_name,
                   bk.phone, bk.created_at, bk.request_fingerprint
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            where bk.idempotency_key = @key
            """;
        return await connection.QuerySingleOrDefaultAsync<EarlierBooking>(new CommandDefinition(sql, new { key }, tx, cancellationToken: ct));
    }

    /// <summary>What makes two requests "the same request" for an idempotency key.</summary>
    public static string Fingerprint(ValidBooking booking)
    {
        var canonical = string.Join('\n', booking.DepartureId, booking.Seats, booking.Customer.Email ?? "", booking.Customer.FullName, booking.Customer.Phone);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private sealed record LockedDeparture(string Status, DateTime DepartureTime, string Destination, int AvailableSeats, string BoatName);

    private sealed record InsertedBooking(Guid BookingId, decimal TotalPrice, DateTime CreatedAt);

    private sealed record EarlierBooking(
        Guid BookingId, string ConfirmationCode, string Status, Guid DepartureId, string BoatName, DateTime DepartureTime,
        string Destination, int SeatsBooked, decimal TotalPrice, string? Email, string FullName, string Phone,
        DateTime CreatedAt, string? RequestFingerprint)
    {
        public BookingConfirmation ToConfirmation() => new(
            BookingId, ConfirmationCode, Status, DepartureId, BoatName, DepartureTime, Destination, SeatsBooked,
            TotalPrice, Email, FullName, Phone, CreatedAt);
    }
}
