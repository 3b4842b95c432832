using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Bookings;

public sealed class DetailsModel(
    DeskRepository desk, DepartureRepository departures, SeatInventory inventory, OperatorCalendar calendar, OutboxSignal outbox) : PageModel
{
    public DeskBooking Booking { get; private set; } = null!;

    public IReadOnlyList<DepartureListing> MoveTargets { get; private set; } = [];

    public IReadOnlyList<BookingEmail> Emails { get; private set; } = [];

    public bool JustSold { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>The move the desk chose, shown for confirmation; nothing changes until it is confirmed.</summary>
    public MoveReview? Review { get; private set; }

    public sealed record MoveReview(DepartureListing Target, MoveQuote Quote);

    public string Where(DateTime utc, string destination) => $"{Local(utc).ToString("ddd d MMM HH:mm", Money)} {destination}";

    public CultureInfo Money => CultureInfo.GetCultureInfo("en-US");

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, bool sold, CancellationToken ct)
    {
        JustSold = sold;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostCheckInAsync(Guid id, bool checkedIn, CancellationToken ct)
    {
        var outcome = await inventory.CheckInAsync(new CheckInRequest(id, null, checkedIn, User.Actor()), ct);
        if (outcome.Result == CheckInResult.NotFound)
        {
            return NotFound();
        }
        return outcome.Succeeded ? RedirectToPage(new { id }) : await ShowProblemAsync(id, OutcomeMessages.CheckIn(outcome, null, Local), ct);
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, string? reason, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500 || !PlainText.IsClean(reason))
        {
            return await ShowProblemAsync(id, "Give a reason for the cancellation (up to 500 characters, no invisible or direction characters).", ct);
        }
        var outcome = await inventory.CancelBookingAsync(id, reason, User.Actor(), cutoff: null, ct);
        return outcome.Result switch
        {
            ChangeResult.Done => Flash(id, "Booking cancelled and its seats returned."),
            ChangeResult.NothingToChange => Flash(id, "This booking was already cancelled; nothing changed."),
            ChangeResult.NotFound => NotFound(),
            _ => await ShowProblemAsync(id, "The departure is busy right now; please try again.", ct),
        };
    }

    /// <summary>The first post shows the review (where from, where to, passengers, price difference); only a post with
    /// <paramref name="reviewed"/> moves the booking.</summary>
    public async Task<IActionResult> OnPostMoveAsync(Guid id, Guid? targetDepartureId, bool reviewed, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var target = MoveTargets.FirstOrDefault(d => d.DepartureId == targetDepartureId);
        if (targetDepartureId is not { } targetId || (target is null && !reviewed))
        {
            Problem = "Choose a departure from the list to move to.";
            return Page();
        }
        if (!reviewed)
        {
            Review = new MoveReview(target!, await desk.MoveQuoteAsync(id, targetId, ct));
            return Page();
        }
        var from = Where(Booking.DepartureTime, Booking.Destination);
        var outcome = await inventory.MoveBookingAsync(id, targetId, User.Actor(), ct);
        if (outcome.Result == ChangeResult.Done && await desk.GetAsync(id, ct) is { } moved)
        {
            return Flash(id, $"Booking moved from {from} to {Where(moved.DepartureTime, moved.Destination)}.");
        }
        return outcome.Result == ChangeResult.NotFound ? NotFound() : await ShowProblemAsync(id, OutcomeMessages.Change(outcome), ct);
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
            .OrderBy(d => string.Equals(d.Destination.Trim(), booking.Destination.Trim(), StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(d => d.DepartureTime)
            .ToList();
        return true;
    }
}
