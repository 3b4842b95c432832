using Dapper;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Bookings;

public enum ChangeResult
{
    Done,
    NothingToChange,
    NotFound,
    TooLate,
    TargetNotBookable,
    NotEnoughSeats,
    Busy,
}

public sealed record ChangeOutcome(ChangeResult Result, int AvailableSeats = 0, int SeatsNeeded = 0)
{
    public bool Succeeded => Result == ChangeResult.Done;
}

/// <summary>
/// Changes to existing bookings that move seats: cancel and move. Like a booking, each is one transaction
/// that locks the departure row(s) first, several in ascending id order, so the seat invariant always holds.
/// </summary>
public sealed class BookingChanges(LockedTransaction locked, TimeProvider clock, OutboxSignal outbox, OpsMetrics metrics, ILogger<BookingChanges> log)
{
    /// <summary>Cancels a confirmed booking and returns its seats. With a cut-off, refuses once departure is nearer than it.</summary>
    public async Task<ChangeOutcome> CancelAsync(Guid bookingId, string reason, string changedBy, TimeSpan? cutoff, CancellationToken ct) =>
        Counted("cancel", await CancelOnceAsync(bookingId, reason, changedBy, cutoff, ct));

    /// <summary>Moves a confirmed booking to another departure, all or nothing; the price follows the new departure.</summary>
    public async Task<ChangeOutcome> MoveAsync(Guid bookingId, Guid targetDepartureId, string changedBy, CancellationToken ct) =>
        Counted("move", await MoveOnceAsync(bookingId, targetDepartureId, changedBy, ct));

    private ChangeOutcome Counted(string change, ChangeOutcome outcome)
    {
        metrics.Change(change, outcome.Result);
        return outcome;
    }

    private Task<ChangeOutcome> CancelOnceAsync(Guid bookingId, string reason, string changedBy, TimeSpan? cutoff, CancellationToken ct) =>
        locked.RunAsync("Cancel booking", async (connection, tx) =>
        {
            var departureId = await DepartureOfAsync(connection, tx, bookingId, ct);
            if (departureId is null)
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            var departure = await LockDeparturesAsync(connection, tx, [departureId.Value], ct);
            var booking = await LockBookingAsync(connection, tx, bookingId, ct);
            if (booking.DepartureId != departureId)
            {
                throw new MovedMeanwhileException();
            }
            if (booking.Status != "confirmed")
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (cutoff is { } limit && departure[0].DepartureTime - clock.GetUtcNow().UtcDateTime < limit)
            {
                return new ChangeOutcome(ChangeResult.TooLate);
            }

            const string cancel = """
                update bookings
                set status = 'cancelled', cancelled_at = now(), cancellation_reason = @reason, changed_by = @changedBy, updated_at = now()
                where id = @bookingId;
                update departures set available_seats = available_seats + @seats, updated_at = now() where id = @departureId;
                """;
            await connection.ExecuteAsync(new CommandDefinition(cancel, new { bookingId, reason, changedBy, seats = booking.SeatsBooked, departureId }, tx, cancellationToken: ct));
            await QueueEmailsAsync(connection, tx, EmailKinds.BookingCancelled, [bookingId], ct);
            await tx.CommitAsync(ct);
            outbox.Poke();
            log.LogInformation("Cancelled booking {BookingId} on {DepartureId}, {Seats} seats returned", bookingId, departureId, booking.SeatsBooked);
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct).RetryIfMovedAsync(() => CancelOnceAsync(bookingId, reason, changedBy, cutoff, ct));

    private Task<ChangeOutcome> MoveOnceAsync(Guid bookingId, Guid targetDepartureId, string changedBy, CancellationToken ct) =>
        locked.RunAsync("Move booking", async (connection, tx) =>
        {
            var sourceId = await DepartureOfAsync(connection, tx, bookingId, ct);
            if (sourceId is null)
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            if (sourceId == targetDepartureId)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            var departures = await LockDeparturesAsync(connection, tx, [sourceId.Value, targetDepartureId], ct);
            var target = departures.SingleOrDefault(d => d.Id == targetDepartureId);
            var booking = await LockBookingAsync(connection, tx, bookingId, ct);
            if (booking.DepartureId != sourceId)
            {
                throw new MovedMeanwhileException();
            }
            if (booking.Status != "confirmed")
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (target is null || target.Status != "scheduled" || target.DepartureTime <= clock.GetUtcNow().UtcDateTime)
            {
                return new ChangeOutcome(ChangeResult.TargetNotBookable);
            }
            if (target.AvailableSeats < booking.SeatsBooked)
            {
                return new ChangeOutcome(ChangeResult.NotEnoughSeats, target.AvailableSeats, booking.SeatsBooked);
            }

            const string move = """
                update bookings
                set departure_id = @targetDepartureId, total_price = seats_booked * @price, changed_by = @changedBy, updated_at = now()
                where id = @bookingId;
                update departures set available_seats = available_seats + @seats, updated_at = now() where id = @sourceId;
                update departures set available_seats = available_seats - @seats, updated_at = now() where id = @targetDepartureId;
                """;
            await connection.ExecuteAsync(new CommandDefinition(move, new
            {
                bookingId, targetDepartureId, price = target.PricePerSeat, changedBy, seats = booking.SeatsBooked, sourceId,
            }, tx, cancellationToken: ct));
            await QueueEmailsAsync(connection, tx, EmailKinds.BookingMoved, [bookingId], ct);
            await tx.CommitAsync(ct);
            outbox.Poke();
            log.LogInformation("Moved booking {BookingId} from {SourceId} to {TargetId}", bookingId, sourceId, targetDepartureId);
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct).RetryIfMovedAsync(() => MoveOnceAsync(bookingId, targetDepartureId, changedBy, ct));

    /// <summary>Marks a confirmed booking boarded, or undoes that. Seats do not change, so no departure lock is needed.</summary>
    public async Task<bool> SetCheckedInAsync(NpgsqlDataSource db, Guid bookingId, bool checkedIn, string changedBy, CancellationToken ct)
    {
        const string sql = """
            update bookings
            set checked_in_at = case when @checkedIn then coalesce(checked_in_at, now()) end, changed_by = @changedBy, updated_at = now()
            where id = @bookingId and status = 'confirmed'
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { bookingId, checkedIn, changedBy }, cancellationToken: ct)) == 1;
    }

    /// <summary>Queues an email of the given kind for each booking that has an address, inside the caller's transaction.</summary>
    internal static Task QueueEmailsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string kind, IReadOnlyCollection<Guid> bookingIds, CancellationToken ct)
    {
        const string sql = """
            insert into email_outbox (kind, booking_id, recipient)
            select @kind, id, email from bookings where id = any(@ids) and email is not null
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, new { kind, ids = bookingIds.ToArray() }, tx, cancellationToken: ct));
    }

    internal static async Task<Guid?> DepartureOfAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid bookingId, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select departure_id from bookings where id = @bookingId", new { bookingId }, tx, cancellationToken: ct));

    internal static async Task<IReadOnlyList<LockedDepartureRow>> LockDeparturesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids, CancellationToken ct)
    {
        // Ascending id order: two transactions locking the same pair can never wait on each other in a cycle.
        const string sql = """
            select id, status, departure_time, capacity, available_seats, price_per_seat, boat_id
            from departures
            where id = any(@ids)
            order by id
            for no key update
            """;
        var waitStarted = LockTiming.StartWaiting();
        var rows = await connection.QueryAsync<LockedDepartureRow>(new CommandDefinition(sql, new { ids }, tx, cancellationToken: ct));
        LockTiming.Acquired(waitStarted);
        return rows.AsList();
    }

    private static Task<LockedBookingRow> LockBookingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid bookingId, CancellationToken ct) =>
        connection.QuerySingleAsync<LockedBookingRow>(new CommandDefinition(
            "select departure_id, status, seats_booked from bookings where id = @bookingId for update", new { bookingId }, tx, cancellationToken: ct));

    private sealed record LockedBookingRow(Guid DepartureId, string Status, int SeatsBooked);
}

internal sealed record LockedDepartureRow(Guid Id, string Status, DateTime DepartureTime, int Capacity, int AvailableSeats, decimal PricePerSeat, Guid BoatId);

/// <summary>The booking moved to another departure between reading it and locking: run again.</summary>
internal sealed class MovedMeanwhileException : Exception;

internal static class MovedMeanwhile
{
    public static async Task<ChangeOutcome> RetryIfMovedAsync(this Task<ChangeOutcome> attempt, Func<Task<ChangeOutcome>> again)
    {
        try
        {
            return await attempt;
        }
        catch (MovedMeanwhileException)
        {
            return await again();
        }
    }
}
