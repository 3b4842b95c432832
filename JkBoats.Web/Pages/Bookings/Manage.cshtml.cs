using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Operator;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using JkBoats.Web.Pages.Shared;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>The page behind the secret link in the confirmation email: the booking, and a way to cancel it
/// until the configured cut-off before departure (later, only the front desk can).</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ManageModel(
    ManageLinks links, BookingRepository bookings, SeatInventory inventory, OperatorCalendar calendar, IOptions<JkBoatsOptions> options,
    OperatorRepository operatorDetails)
    : PageModel
{
    public OperatorDetails Operator { get; private set; } = null!;

    public const string ChangedBy = BookingCancellation.Customer;

    public BookingConfirmation Booking { get; private set; } = null!;

    public DateTime LocalDeparture { get; private set; }

    /// <summary>Opens the printable confirmation from here, without sending the manage token along.</summary>
    public string ConfirmationKey { get; private set; } = "";

    public TimeSpan Cutoff => options.Value.CustomerCancelCutoff;

    public DateTime LocalCancelDeadline => LocalDeparture - Cutoff;

    public bool CanCancel => Booking.Status == BookingStatus.Confirmed && Booking.DepartureTime - calendar.UtcNow >= Cutoff;

    [TempData]
    public string? Notice { get; set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct) =>
        await LoadAsync(token, ct) ? Page() : NotFound();

    [EnableRateLimiting(Security.CancelRateLimit)]
    public async Task<IActionResult> OnPostCancelAsync(string token, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        var outcome = await inventory.CancelBookingAsync(Booking.BookingId, "Cancelled by the customer online", ChangedBy, Cutoff, ct);
        switch (outcome.Result)
        {
            case ChangeResult.Done:
                Notice = "Your booking is cancelled and its seats are released. A confirmation email is on its way.";
                return this.SeeOther(Request.Path);
            case ChangeResult.NothingToChange:
                Notice = "This booking was already cancelled.";
                return this.SeeOther(Request.Path);
            case ChangeResult.NotFound:
                return NotFound();
            case ChangeResult.TooLate:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = $"Online cancellation closed {Display.Duration(Cutoff)} before departure. Please contact the front desk with your confirmation code.";
                return Page();
            default:
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Response.Headers.RetryAfter = "2";
                Problem = "We are very busy right now and could not cancel your booking. Nothing has changed; please try again in a moment.";
                return Page();
        }
    }

    private async Task<bool> LoadAsync(string token, CancellationToken ct)
    {
        // The token is a secret: keep it out of Referer headers and search engines.
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers["X-Robots-Tag"] = "noindex";
        var bookingId = await links.ReadAsync(token, ct);
        var booking = bookingId is { } id ? await bookings.GetAsync(id, ct) : null;
        if (booking is null)
        {
            return false;
        }
        Booking = booking;
        LocalDeparture = calendar.ToLocal(booking.DepartureTime);
        ConfirmationKey = await links.ConfirmationKeyAsync(booking.BookingId, ct);
        Operator = await operatorDetails.CurrentAsync(ct);
        return true;
    }
}
