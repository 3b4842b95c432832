using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Email;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace JkBoats.Web.Pages.Staff.Bookings;

public sealed class DetailsModel(
    DeskRepository desk, DepartureRepository departures, BookingChanges changes, NpgsqlDataSource db, OperatorCalendar calendar, OutboxSignal outbox) : PageModel
{
    public DeskBooking Booking { get; private set; } = null!;

    public IReadOnlyList<DepartureListing> MoveTargets { get; private set; } = [];

    public IReadOnlyList<BookingEmail> Emails { get; private set; } = [];

    public bool JustSold { get; private set; }

    public string? Problem { get; private set; }

    public CultureInfo Money => CultureInfo.GetCultureInfo("en-US");

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, bool sold, CancellationToken ct)
    {
        JustSold = sold;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostCheckInAsync(Guid id, bool checkedIn, CancellationToken ct)
    {
        await changes.SetCheckedInAsync(db, id, checkedIn, User.Actor(), ct);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, string? reason, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500 || reason.Any(char.IsControl))
        {
            return await ShowProblemAsync(id, "Give a reason for the cancellation (up to 500 characters).", ct);
        }
        var outcome = await changes.CancelAsync(id, reason, User.Actor(), cutoff: null, ct);
        return outcome.Result switch
        {
            ChangeResult.Done => Flash(id, "Booking cancelled and its seats returned."),
            ChangeResult.NothingToChange => Flash(id, "This booking was already cancelled; nothing changed."),
            ChangeResult.NotFound => NotFound(),
            _ => await ShowProblemAsync(id, "The departure is busy right now; please try again.", ct),
        };
    }

    public async Task<IActionResult> OnPostMoveAsync(Guid id, Guid targetDepartureId, CancellationToken ct)
    {
        var outcome = await changes.MoveAsync(id, targetDepartureId, User.Actor(), ct);
        return outcome.Result switch
        {
            ChangeResult.Done => Flash(id, "Booking moved."),
            ChangeResult.NotFound => NotFound(),
            ChangeResult.NothingToChange => await ShowProblemAsync(id, "Nothing to move: the booking is already there, or not confirmed.", ct),
            ChangeResult.TargetNotBookable => await ShowProblemAsync(id, "That departure cannot take bookings (it has left, was cancelled or does not exist).", ct),
            ChangeResult.NotEnoughSeats => await ShowProblemAsync(id, $"That departure has only {outcome.AvailableSeats} seats free; this booking needs {outcome.SeatsNeeded}.", ct),
            _ => await ShowProblemAsync(id, "The departures are busy right now; please try again.", ct),
        };
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken ct)
    {
        if (!await desk.QueueResendAsync(id, ct))
        {
            return await ShowProblemAsync(id, "This booking has no email address to send to.", ct);
        }
        outbox.Poke();
        return Flash(id, "Email queued; it normally leaves within seconds.");
    }

    private IActionResult Flash(Guid id, string message)
    {
        TempData["Flash"] = message;
        return RedirectToPage(new { id });
    }

    private async Task<IActionResult> ShowProblemAsync(Guid id, string problem, CancellationToken ct)
    {
        Problem = problem;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var booking = await desk.GetAsync(id, ct);
        if (booking is null)
        {
            return false;
        }
        Booking = booking;
        Emails = await desk.EmailsAsync(id, ct);
        var now = calendar.UtcNow;
        MoveTargets = (await departures.SearchAsync(new DepartureSearch(null, now, now.AddDays(30), 300), ct, ReadFrom.Primary))
            .Where(d => d.DepartureId != booking.DepartureId && d.AvailableSeats >= booking.SeatsBooked)
            .ToList();
        return true;
    }
}
