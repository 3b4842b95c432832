using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JkBoats.Data.Inventory;

/// <summary>Each operation locks its departure rows first (ascending id), so available_seats + confirmed seats = capacity and
/// 0 &lt;= available_seats &lt;= capacity hold for every departure at every moment.</summary>
public sealed partial class SeatInventory
{
    private readonly LockedTransaction _locked;
    private readonly TimeProvider _clock;
    private readonly OpsMetrics _metrics;
    private readonly ILogger<SeatInventory> _log;
    private readonly BookingQueue _queue;
    private readonly IOptions<JkBoatsOptions> _options;
    private readonly TimeZoneInfo _zone;

    public SeatInventory(LockedTransaction locked, IOptions<JkBoatsOptions> options, TimeProvider clock, OpsMetrics metrics, ILogger<SeatInventory> log)
    {
        (_locked, _clock, _metrics, _log, _options) = (locked, clock, metrics, log, options);
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        _queue = new BookingQueue(DecideBatchAsync, () => options.Value.BookingBatchSize, () => options.Value.BookingLanes);
    }

    private DateTime UtcNow => _clock.GetUtcNow().UtcDateTime;

    /// <summary>A departure as the history names it: "Island A, Sat 5 Dec 09:00" in the operator's time.</summary>
    private string Describe(string destination, DateTime departureTimeUtc) => $"{destination}, {Local(departureTimeUtc)}";

    /// <summary>"Sat 5 Dec 09:00" in the operator's time zone.</summary>
    private string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone).ToString("ddd d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Books the request, coalesced with concurrent requests (for its departure and others) into one transaction.</summary>
    public async Task<BookingOutcome> BookAsync(BookingCommand command, CancellationToken ct)
    {
        var pending = new PendingBooking(command, BookingCommand.Fingerprint(command.Booking), _clock.GetTimestamp());
        _queue.Enqueue(pending);
        try
        {
            var outcome = await pending.Outcome.Task.WaitAsync(ct);
            _metrics.Booking(command.Channel, Outcomes.Of(outcome));
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _metrics.Booking(command.Channel, Outcomes.SystemError);
            throw;
        }
    }

    private async Task<IReadOnlyList<PendingBooking>> DecideBatchAsync(IReadOnlyList<PendingBooking> batch)
    {
        var outcomes = await _locked.RunAsync(
            "book",
            scope => BatchBooking.DecideAsync(scope, batch, UtcNow, _log, waitForLocks: batch[0].Alone),
            () => batch.Select(BookingOutcome? (_) => new BookingOutcome.Busy(TimeSpan.FromSeconds(1))).ToArray(),
            CancellationToken.None,
            startedAt: batch.Min(p => p.Started));
        var skipped = new List<PendingBooking>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i] is { } outcome)
            {
                batch[i].Outcome.TrySetResult(outcome);
            }
            else
            {
                skipped.Add(batch[i]);
            }
        }
        return skipped;
    }

    /// <summary>Cancels a confirmed booking and returns its seats. With a cut-off, refuses once departure is nearer than it. With a
    /// refund method (the desk), whatever was paid is refunded that way in the same transaction; without, it shows as a refund due.</summary>
    public async Task<ChangeOutcome> CancelBookingAsync(
        Guid bookingId, string reason, string changedBy, TimeSpan? cutoff, CancellationToken ct, string? refundMethod = null) =>
        Counted("cancel", await _locked.RunAsync("cancel_booking", async scope =>
        {
            var found = await LockBookingAsync(scope, bookingId);
            if (found is not var (departures, booking))
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            if (booking.Status != BookingStatus.Confirmed)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (cutoff is { } limit && departures[0].DepartureTime - UtcNow < limit)
            {
                return new ChangeOutcome(ChangeResult.TooLate);
            }

            await CancelWithinAsync(scope, bookingId, booking, reason, changedBy);
            var refunded = 0m;
            if (refundMethod is not null && (await scope.BalanceAsync(bookingId)).RefundDue is > 0 and var due)
            {
                await scope.InsertPaymentAsync(bookingId, Payments.PaymentKind.Refund, refundMethod, due, changedBy, "with the cancellation");
                refunded = due;
            }
            await scope.CommitAsync();
            _log.LogInformation("Cancelled booking {BookingId} on {DepartureId}, {Seats} seats returned", bookingId, booking.DepartureId, booking.SeatsBooked);
            return new ChangeOutcome(ChangeResult.Done) { Refunded = refunded };
        }, () => new ChangeOutcome(ChangeResult.Busy), ct));

    /// <summary>Moves a confirmed booking to another departure, all or nothing; the price follows the new departure.</summary>
    /// <param name="cutoff">With a cut-off (the customer's manage link), refuses once either departure is nearer than it.</param>
    /// <param name="sameDestination">The customer's own move: only to a departure to the same destination.</param>
    public async Task<ChangeOutcome> MoveBookingAsync(
        Guid bookingId, Guid targetDepartureId, string changedBy, CancellationToken ct, TimeSpan? cutoff = null, bool sameDestination = false) =>
        Counted("move", await _locked.RunAsync("move_booking", async scope =>
        {
            var found = await LockBookingAsync(scope, bookingId, targetDepartureId);
            if (found is not var (departures, booking))
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            if (booking.DepartureId == targetDepartureId || booking.Status != BookingStatus.Confirmed)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (cutoff is { } limit && departures[0].DepartureTime - UtcNow < limit)
            {
                return new ChangeOutcome(ChangeResult.TooLate);
            }
            var moved = await MoveWithinAsync(scope, departures, bookingId, booking, targetDepartureId, changedBy, cutoff, sameDestination);
            if (moved.Result != ChangeResult.Done)
            {
                return moved;
            }
            await scope.CommitAsync();
            _log.LogInformation("Moved booking {BookingId} from {SourceId} to {TargetId}", bookingId, booking.DepartureId, targetDepartureId);
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct));

    /// <summary>Marks a confirmed booking boarded (every passenger who is not a no-show), or undoes that, refusing a booking of
    /// another departure or day than the desk is boarding. Seats do not change, so the booking row's lock is enough.</summary>
    public Task<CheckInOutcome> CheckInAsync(CheckInRequest request, CancellationToken ct) =>
        _locked.RunAsync("check_in", async scope =>
        {
            const string find = """
                select bk.id as booking_id, bk.confirmation_code, bk.status, bk.full_name, bk.seats_booked, bk.checked_in_at,
                       d.id as departure_id, d.departure_time, d.destination, b.name as boat_name
                from bookings bk
                join departures d on d.id = bk.departure_id
                join boats b on b.id = d.boat_id
                where bk.id = @BookingId or bk.confirmation_code = upper(@Code)
                limit 1
                for update of bk
                """;
            var booking = await scope.Connection.QuerySingleOrDefaultAsync<CheckInBooking>(scope.Command(find, new
            {
                request.BookingId, Code = request.Code?.Trim(),
            }));
            if (booking is null)
            {
                return new CheckInOutcome(CheckInResult.NotFound);
            }
            if (booking.Status != BookingStatus.Confirmed)
            {
                return new CheckInOutcome(CheckInResult.NotConfirmed, booking);
            }
            var elsewhere = request.DepartureId is { } departureId && departureId != booking.DepartureId
                || request.Window is var (from, to) && (booking.DepartureTime < from || booking.DepartureTime >= to);
            if (elsewhere)
            {
                return new CheckInOutcome(CheckInResult.OtherDeparture, booking);
            }
            const string update = """
                update passengers
                set checked_in_at = case when @CheckedIn then coalesce(checked_in_at, now()) end
                where booking_id = @BookingId and no_show_at is null
                  and (checked_in_at is null) = @CheckedIn
                """;
            var changed = await scope.Connection.ExecuteAsync(scope.Command(update, new { request.CheckedIn, booking.BookingId }));
            if (changed == 0)
            {
                return new CheckInOutcome(CheckInResult.NothingToChange, booking);
            }
            var checkedInAt = await SyncBookingCheckInAsync(scope, booking.BookingId, request.ChangedBy);
            await scope.RecordAsync(booking.BookingId, request.CheckedIn ? BookingEventKind.CheckedIn : BookingEventKind.CheckInUndone,
                request.ChangedBy, request.CheckedIn ? $"Checked in ({BookingEvent.Plural(changed, "passenger")})" : $"Check-in undone ({BookingEvent.Plural(changed, "passenger")})");
            await scope.CommitAsync();
            return new CheckInOutcome(CheckInResult.Done, booking with { CheckedInAt = checkedInAt });
        }, () => new CheckInOutcome(CheckInResult.Busy), ct);

    /// <summary>Locks the booking's departure (and any others given) in id order, then the booking; null when there is no such
    /// booking. A booking moved between reading its departure and locking it runs the attempt again.</summary>
    private static async Task<(IReadOnlyList<LockedDeparture> Departures, LockedBooking Booking)?> LockBookingAsync(
        LockScope scope, Guid bookingId, params Guid[] alsoLock)
    {
        var departureId = await scope.Connection.ExecuteScalarAsync<Guid?>(scope.Command(
            "select departure_id from bookings where id = @bookingId", new { bookingId }));
        if (departureId is null)
        {
            return null;
        }
        var departures = await scope.LockDeparturesAsync([departureId.Value, .. alsoLock.Where(id => id != departureId)]);
        var booking = await scope.Connection.QuerySingleAsync<LockedBooking>(scope.Command(
            "select departure_id, status, seats_booked, persons, total_price from bookings where id = @bookingId for update", new { bookingId }));
        if (booking.DepartureId != departureId)
        {
            return await LockScope.RetryAsync<(IReadOnlyList<LockedDeparture>, LockedBooking)?>();
        }
        return (departures.OrderBy(d => d.Id != departureId).ToList(), booking);
    }

    private ChangeOutcome Counted(string change, ChangeOutcome outcome)
    {
        _metrics.Change(change, outcome.Result);
        return outcome;
    }

    /// <summary>The cancellation's writes inside a transaction that holds the booking's departure lock: seats and places back, offers
    /// to the waiting list, the email queued. The caller checked the booking is confirmed and commits.</summary>
    private async Task CancelWithinAsync(LockScope scope, Guid bookingId, LockedBooking booking, string reason, string changedBy)
    {
        const string cancel = """
            update bookings
            set status = @cancelled, cancelled_at = now(), cancellation_reason = @reason, changed_by = @changedBy, updated_at = now()
            where id = @bookingId;
            update departures
            set available_seats = available_seats + @seats, available_persons = available_persons + @persons, updated_at = now()
            where id = @departureId;
            """;
        await scope.Connection.ExecuteAsync(scope.Command(cancel, new
        {
            bookingId, reason, changedBy, seats = booking.SeatsBooked, persons = booking.Persons, departureId = booking.DepartureId,
            cancelled = BookingStatus.Cancelled.Name(),
        }));
        await OfferReleasedSeatsAsync(scope, booking.DepartureId);
        await DecideWeatherChoiceAsync(scope, bookingId, null, changedBy);
        await scope.RecordAsync(bookingId, BookingEventKind.Cancelled, changedBy,
            $"Cancelled, {BookingEvent.Plural(booking.SeatsBooked, "seat")} back on sale" + (string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}"));
        await scope.QueueEmailsAsync(EmailKinds.BookingCancelled, [bookingId]);
    }

    /// <summary>A booking waiting for its weather choice is decided by whatever moves or cancels it (its own choice, the default, the
    /// desk or the manage link), so a choice never stays open for a booking that is gone or elsewhere.</summary>
    private static Task DecideWeatherChoiceAsync(LockScope scope, Guid bookingId, Guid? movedTo, string decidedBy) =>
        scope.Connection.ExecuteAsync(scope.Command("""
            update weather_choices set state = @state, chosen_departure_id = @movedTo, decided_by = @decidedBy, decided_at = now()
            where booking_id = @bookingId and state = 'waiting'
            """, new { state = movedTo is null ? WeatherChoiceState.Cancelled : WeatherChoiceState.Moved, movedTo, decidedBy, bookingId }));

    /// <summary>The move's checks and writes inside a transaction that holds both departures' locks; the caller commits on Done.</summary>
    private async Task<ChangeOutcome> MoveWithinAsync(
        LockScope scope, IReadOnlyList<LockedDeparture> departures, Guid bookingId, LockedBooking booking, Guid targetDepartureId, string changedBy,
        TimeSpan? cutoff, bool sameDestination)
    {
        var target = departures.SingleOrDefault(d => d.Id == targetDepartureId);
        if (target is null || !target.IsBookable(UtcNow) || cutoff is { } before && target.DepartureTime - UtcNow < before)
        {
            return new ChangeOutcome(ChangeResult.TargetNotBookable);
        }
        if (sameDestination && !string.Equals(target.Destination.Trim(), departures.Single(d => d.Id == booking.DepartureId).Destination.Trim(),
                StringComparison.OrdinalIgnoreCase))
        {
            return new ChangeOutcome(ChangeResult.OtherDestination);
        }
        if (target.AvailableSeats < booking.SeatsBooked)
        {
            return new ChangeOutcome(ChangeResult.NotEnoughSeats, target.AvailableSeats, booking.SeatsBooked);
        }
        if (target.AvailablePersons < booking.Persons)
        {
            return new ChangeOutcome(ChangeResult.NotEnoughRoom, target.AvailablePersons, booking.Persons);
        }
        if (await scope.FaresNotSoldAsync([bookingId], targetDepartureId) > 0)
        {
            return new ChangeOutcome(ChangeResult.FareNotSold);
        }

        const string move = """
            update bookings set departure_id = @targetDepartureId, changed_by = @changedBy, updated_at = now() where id = @bookingId;
            update departures
            set available_seats = available_seats + @seats, available_persons = available_persons + @persons, updated_at = now()
            where id = @sourceId;
            update departures
            set available_seats = available_seats - @seats, available_persons = available_persons - @persons, updated_at = now()
            where id = @targetDepartureId;
            """;
        await scope.Connection.ExecuteAsync(scope.Command(move, new
        {
            bookingId, targetDepartureId, changedBy, seats = booking.SeatsBooked, persons = booking.Persons, sourceId = booking.DepartureId,
        }));
        await scope.RepriceAsync([bookingId], targetDepartureId);
        var source = departures.Single(d => d.Id == booking.DepartureId);
        var newTotal = await scope.Connection.ExecuteScalarAsync<decimal>(scope.Command("select total_price from bookings where id = @bookingId", new { bookingId }));
        await scope.RecordAsync(bookingId, BookingEventKind.Moved, changedBy,
            $"Moved from {Describe(source.Destination, source.DepartureTime)} to {Describe(target.Destination, target.DepartureTime)}"
            + (newTotal == booking.TotalPrice ? "" : $", total {BookingEvent.Money(booking.TotalPrice)} → {BookingEvent.Money(newTotal)}"));
        await OfferReleasedSeatsAsync(scope, booking.DepartureId);
        await DecideWeatherChoiceAsync(scope, bookingId, targetDepartureId, changedBy);
        await scope.QueueEmailsAsync(EmailKinds.BookingMoved, [bookingId]);
        return new ChangeOutcome(ChangeResult.Done);
    }

    private sealed record LockedBooking(Guid DepartureId, BookingStatus Status, int SeatsBooked, int Persons, decimal TotalPrice);
}
