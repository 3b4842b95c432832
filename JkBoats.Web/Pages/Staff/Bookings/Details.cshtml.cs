using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Payments;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Bookings;

public sealed class DetailsModel(
    DeskRepository desk, DepartureRepository departures, SeatInventory inventory, OperatorCalendar calendar, OutboxSignal outbox,
    PaymentRepository payments, Display display) : PageModel
{
    public DeskBooking Booking { get; private set; } = null!;

    public IReadOnlyList<DepartureListing> MoveTargets { get; private set; } = [];

    public IReadOnlyList<BookingEmail> Emails { get; private set; } = [];

    public Balance Balance { get; private set; } = new(0, 0, 0);

    public IReadOnlyList<PaymentRow> Payments { get; private set; } = [];

    public IReadOnlyList<HistoryRow> History { get; private set; } = [];

    /// <summary>The payment form's field that failed, to focus and describe it.</summary>
    public string? PaymentField { get; private set; }

    public bool JustSold { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>The move the desk chose, shown for confirmation; nothing changes until it is confirmed.</summary>
    public MoveReview? Review { get; private set; }

    public sealed record MoveReview(DepartureListing Target, MoveQuote Quote);

    public string Where(DateTime utc, string destination) => $"{display.ShortDateTime(Local(utc))} {destination}";

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
        return outcome.Succeeded ? RedirectToPage(new { id }) : await ShowProblemAsync(id, OutcomeMessages.CheckIn(outcome, null, Local, display), ct);
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, string? reason, string? refundMethod, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500 || !PlainText.IsClean(reason))
        {
            return await ShowProblemAsync(id, "Give a reason for the cancellation (up to 500 characters, no invisible or direction characters).", ct);
        }
        if (string.IsNullOrEmpty(refundMethod))
        {
            refundMethod = null; // nothing refunded now: the balance shows the refund due
        }
        else if (!PaymentMethod.IsKnown(refundMethod))
        {
            return await ShowProblemAsync(id, "Choose how the money goes back: cash, card, other, or not now.", ct, StatusCodes.Status400BadRequest);
        }
        var outcome = await inventory.CancelBookingAsync(id, reason, User.Actor(), cutoff: null, ct, refundMethod);
        return outcome.Result switch
        {
            ChangeResult.Done when outcome.Refunded > 0 =>
                Flash(id, $"Booking cancelled and its seats returned. Give back {display.Price(outcome.Refunded)} by {PaymentMethod.Label(refundMethod!).ToLowerInvariant()}."),
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

    /// <summary>Takes money for the booking, or gives it back (<paramref name="kind"/> payment or refund).</summary>
    public async Task<IActionResult> OnPostPaymentAsync(Guid id, string? kind, string? method, string? amount, string? note, CancellationToken ct)
    {
        kind = kind is PaymentKind.Refund ? PaymentKind.Refund : PaymentKind.Payment;
        if (!PaymentMethod.IsKnown(method))
        {
            return await PaymentProblemAsync(id, "method", "Choose how it was paid: cash, card or other.", ct);
        }
        if (MoneyInput.Parse(amount) is not { } value)
        {
            return await PaymentProblemAsync(id, "amount", "Type the amount as a number above zero with at most two decimals, with a point: 12.50.", ct);
        }
        note = note?.Trim();
        if (note is { Length: > 200 } || note is not null && !PlainText.IsClean(note))
        {
            return await PaymentProblemAsync(id, "note", "The note is up to 200 characters, without invisible or direction characters.", ct);
        }
        var outcome = await inventory.TakePaymentAsync(new PaymentRequest(id, kind, method!, value, User.Actor(), note), ct);
        var what = kind == PaymentKind.Payment ? "Payment" : "Refund";
        return outcome.Result switch
        {
            PaymentResult.Done => Flash(id, $"{what} of {display.Price(value)} by {PaymentMethod.Label(method!).ToLowerInvariant()} recorded. {display.Balance(outcome.Balance!)}."),
            PaymentResult.NotFound => NotFound(),
            PaymentResult.NotConfirmed => await PaymentProblemAsync(id, "amount", "This booking is cancelled: there is nothing to pay. Nothing was recorded.", ct, StatusCodes.Status409Conflict),
            PaymentResult.MoreThanOwed => await PaymentProblemAsync(id, "amount",
                outcome.Balance!.Owed == 0 ? "This booking owes nothing; nothing was recorded." : $"That is more than the {display.Price(outcome.Balance.Owed)} still owed; nothing was recorded.",
                ct, StatusCodes.Status409Conflict),
            PaymentResult.MoreThanPaid => await PaymentProblemAsync(id, "amount",
                $"At most {display.Price(outcome.Balance!.Net)} was paid and not refunded; nothing was recorded.", ct, StatusCodes.Status409Conflict),
            PaymentResult.InvalidAmount => await PaymentProblemAsync(id, "amount", "Type an amount above zero with at most two decimals.", ct),
            PaymentResult.UnknownMethod => await PaymentProblemAsync(id, "method", "Choose how it was paid: cash, card or other.", ct),
            _ => await PaymentProblemAsync(id, "amount", "The booking is busy right now; nothing was recorded. Please try again.", ct, StatusCodes.Status503ServiceUnavailable),
        };
    }

    private Task<IActionResult> PaymentProblemAsync(Guid id, string field, string problem, CancellationToken ct, int status = StatusCodes.Status400BadRequest)
    {
        PaymentField = field;
        return ShowProblemAsync(id, problem, ct, status);
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

    private async Task<IActionResult> ShowProblemAsync(Guid id, string problem, CancellationToken ct, int? status = null)
    {
        Problem = problem;
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (status is { } code)
        {
            Response.StatusCode = code;
        }
        return Page();
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
        Balance = await payments.BalanceAsync(id, ct) ?? Balance;
        Payments = await payments.PaymentsAsync(id, ct);
        History = await payments.HistoryAsync(id, ct);
        var now = calendar.UtcNow;
        MoveTargets = (await departures.SearchAsync(new DepartureSearch(null, now, now.AddDays(30), 300), ct, ReadFrom.Primary))
            .Where(d => d.DepartureId != booking.DepartureId && d.AvailableSeats >= booking.SeatsBooked)
            .OrderBy(d => string.Equals(d.Destination.Trim(), booking.Destination.Trim(), StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(d => d.DepartureTime)
            .ToList();
        return true;
    }
}
