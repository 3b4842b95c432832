using Dapper;

namespace JkBoats.Data.Inventory;

public enum BoardingAction
{
    CheckIn,
    UndoCheckIn,
    NoShow,
    UndoNoShow,
}

public enum BoardingResult
{
    Done,
    NothingToChange,
    NotFound,
    NotConfirmed,
    OtherDeparture,
    NotDepartedYet,
    AlreadyCheckedIn,
    Busy,
}

/// <summary>One passenger (<see cref="PassengerId"/>) or, without one, every passenger of the booking, on the manifest of
/// <see cref="DepartureId"/>.</summary>
public sealed record BoardingRequest(Guid DepartureId, Guid BookingId, Guid? PassengerId, BoardingAction Action, string ChangedBy);

/// <param name="Passenger">The passenger's name, or null when the request was for the whole booking or the passenger is unnamed.</param>
public sealed record BoardingOutcome(
    BoardingResult Result, string? ConfirmationCode = null, string? Passenger = null, int Changed = 0, DateTime? DepartureTime = null)
{
    public bool Succeeded => Result is BoardingResult.Done or BoardingResult.NothingToChange;
}

public sealed partial class SeatInventory
{
    /// <summary>Checks passengers in or marks them no-show (only once the departure has left), or undoes either, under the
    /// booking's row lock; the booking counts as checked in when every passenger who is not a no-show is.</summary>
    public Task<BoardingOutcome> MarkBoardingAsync(BoardingRequest request, CancellationToken ct) =>
        _locked.RunAsync("boarding", async scope =>
        {
            const string find = """
                select bk.confirmation_code, bk.status, bk.departure_id, d.departure_time
                from bookings bk
                join departures d on d.id = bk.departure_id
                where bk.id = @BookingId
                for update of bk
                """;
            var booking = await scope.Connection.QuerySingleOrDefaultAsync<BoardingBooking>(scope.Command(find, new { request.BookingId }));
            if (booking is null)
            {
                return new BoardingOutcome(BoardingResult.NotFound);
            }
            if (booking.Status != BookingStatus.Confirmed)
            {
                return new BoardingOutcome(BoardingResult.NotConfirmed, booking.ConfirmationCode);
            }
            if (booking.DepartureId != request.DepartureId)
            {
                return new BoardingOutcome(BoardingResult.OtherDeparture, booking.ConfirmationCode);
            }
            const string list = """
                select id, full_name, checked_in_at, no_show_at from passengers where booking_id = @BookingId order by position
                """;
            var passengers = (await scope.Connection.QueryAsync<BoardingPassenger>(scope.Command(list, new { request.BookingId }))).AsList();
            var targets = request.PassengerId is { } passengerId ? passengers.Where(p => p.Id == passengerId).ToList() : passengers;
            if (targets.Count == 0)
            {
                return new BoardingOutcome(BoardingResult.NotFound, booking.ConfirmationCode);
            }
            var one = request.PassengerId is null ? null : targets[0];
            Func<BoardingResult, int, BoardingOutcome> answer = (result, changed) =>
                new BoardingOutcome(result, booking.ConfirmationCode, one?.FullName, changed, booking.DepartureTime);
            if (request.Action == BoardingAction.NoShow)
            {
                if (booking.DepartureTime > UtcNow)
                {
                    return answer(BoardingResult.NotDepartedYet, 0);
                }
                if (one is { CheckedInAt: not null })
                {
                    return answer(BoardingResult.AlreadyCheckedIn, 0);
                }
            }
            var changing = targets.Where(p => request.Action switch
            {
                // A passenger checked in one by one may have been a no-show; the whole booking leaves its no-shows alone.
                BoardingAction.CheckIn => p.CheckedInAt is null && (one is not null || p.NoShowAt is null),
                BoardingAction.UndoCheckIn => p.CheckedInAt is not null,
                BoardingAction.NoShow => p.CheckedInAt is null && p.NoShowAt is null,
                _ => p.NoShowAt is not null,
            }).Select(p => p.Id).ToArray();
            if (changing.Length == 0)
            {
                return answer(BoardingResult.NothingToChange, 0);
            }
            const string update = """
                update passengers
                set checked_in_at = case when @checkIn then now() when @undoCheckIn then null else checked_in_at end,
                    no_show_at = case when @noShow then now() when @checkIn or @undoNoShow then null else no_show_at end
                where id = any(@changing)
                """;
            await scope.Connection.ExecuteAsync(scope.Command(update, new
            {
                checkIn = request.Action == BoardingAction.CheckIn, undoCheckIn = request.Action == BoardingAction.UndoCheckIn,
                noShow = request.Action == BoardingAction.NoShow, undoNoShow = request.Action == BoardingAction.UndoNoShow, changing,
            }));
            await SyncBookingCheckInAsync(scope, request.BookingId, request.ChangedBy);
            var whom = one is null ? BookingEvent.Plural(changing.Length, "passenger") : one.FullName ?? "an unnamed passenger";
            var (kind, summary) = request.Action switch
            {
                BoardingAction.CheckIn => (BookingEventKind.CheckedIn, $"Checked in {whom}"),
                BoardingAction.UndoCheckIn => (BookingEventKind.CheckInUndone, $"Check-in undone for {whom}"),
                BoardingAction.NoShow => (BookingEventKind.NoShow, $"Marked {whom} no-show"),
                _ => (BookingEventKind.NoShowUndone, $"No-show undone for {whom}"),
            };
            await scope.RecordAsync(request.BookingId, kind, request.ChangedBy, summary);
            await scope.CommitAsync();
            return answer(BoardingResult.Done, changing.Length);
        }, () => new BoardingOutcome(BoardingResult.Busy), ct);

    /// <summary>Keeps bookings.checked_in_at in step with its passengers: set when every passenger who is not a no-show is checked
    /// in and at least one is, else null.</summary>
    private static Task<DateTime?> SyncBookingCheckInAsync(LockScope scope, Guid bookingId, string changedBy)
    {
        const string sql = """
            update bookings bk
            set checked_in_at = case when s.boarded > 0 and s.boarded = s.present then coalesce(bk.checked_in_at, now()) end,
                changed_by = @changedBy, updated_at = now()
            from (
                select count(*) filter (where no_show_at is null) as present, count(*) filter (where checked_in_at is not null) as boarded
                from passengers where booking_id = @bookingId
            ) s
            where bk.id = @bookingId
            returning bk.checked_in_at
            """;
        return scope.Connection.ExecuteScalarAsync<DateTime?>(scope.Command(sql, new { bookingId, changedBy }));
    }

    private sealed record BoardingBooking(string ConfirmationCode, BookingStatus Status, Guid DepartureId, DateTime DepartureTime);

    private sealed record BoardingPassenger(Guid Id, string? FullName, DateTime? CheckedInAt, DateTime? NoShowAt);
}
