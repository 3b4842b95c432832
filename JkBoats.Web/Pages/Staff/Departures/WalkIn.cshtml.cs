using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Data.Desk;
using JkBoats.Data.Operations;
using JkBoats.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

public sealed class WalkInModel(DeskRepository desk, BookingValidator validator, SeatInventory inventory, OperatorCalendar calendar, OpsMetrics metrics) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    [BindProperty] public string? FullName { get; set; }

    [BindProperty] public string? Phone { get; set; }

    [BindProperty] public string? Email { get; set; }

    [BindProperty] public int? Seats { get; set; } = 1;

    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString("N");

    public Dictionary<string, string[]> Errors { get; } = [];

    public string? Problem { get; private set; }

    public int MaxSeats => validator.MaxSeats;

    public CultureInfo Money => CultureInfo.GetCultureInfo("en-US");

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? messages[0] : null;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        // A seat count that does not bind (text, overflow) leaves the default of 1: never sell on it.
        var booking = validator.Validate(new BookingInput(id, ModelState.IsValid ? Seats : null, FullName, Email, Phone), Errors, emailRequired: false);
        if (booking is null)
        {
            metrics.Booking(BookingChannel.Desk, Outcomes.ValidationError);
            return Page();
        }
        var key = IdempotencyKey is { Length: > 0 and <= 100 } ? "desk-" + IdempotencyKey : null;
        switch (await inventory.BookAsync(new BookingCommand(booking, BookingChannel.Desk, key), ct))
        {
            case BookingOutcome.Confirmed confirmed:
                return RedirectToPage("/Staff/Bookings/Details", new { id = confirmed.Booking.BookingId, sold = 1 });
            case BookingOutcome.InsufficientCapacity refused:
                Errors["seats_requested"] = [OutcomeMessages.Capacity(refused) + "."];
                await LoadAsync(id, ct);
                return Page();
            case BookingOutcome.DepartureClosed closed:
                Problem = OutcomeMessages.Closed(closed.Reason);
                return Page();
            case BookingOutcome.IdempotencyKeyReused:
                IdempotencyKey = Guid.NewGuid().ToString("N");
                Problem = "This form was already used for another booking. Check the details and submit again.";
                return Page();
            case BookingOutcome.Busy:
                Problem = OutcomeMessages.Busy;
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        return true;
    }
}
