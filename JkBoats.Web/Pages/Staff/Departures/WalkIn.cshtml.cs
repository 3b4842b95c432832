using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Fares;
using JkBoats.Data.Operations;
using JkBoats.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

public sealed class WalkInModel(
    DeskRepository desk, FareRepository fareRepository, BookingValidator validator, SeatInventory inventory, OperatorCalendar calendar, OpsMetrics metrics)
    : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    [BindProperty] public string? FullName { get; set; }

    [BindProperty] public string? Phone { get; set; }

    [BindProperty] public string? Email { get; set; }

    /// <summary>Passengers per fare code (<c>Counts[adult]</c>); a blank field is none.</summary>
    [BindProperty] public Dictionary<string, int?> Counts { get; set; } = [];

    /// <summary>The fares this departure sells, adults first.</summary>
    public IReadOnlyList<DepartureFare> Fares { get; private set; } = [];

    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString("N");

    public Dictionary<string, string[]> Errors { get; } = [];

    public string? Problem { get; private set; }

    public int MaxPassengers => validator.MaxPassengers;

    public static string FareField(string code) => $"Counts[{code}]";

    public static string FareId(string code) => $"fare-{code}";

    public string? FaresError => Errors.Where(e => e.Key.StartsWith(BookingValidator.PassengersField, StringComparison.Ordinal)
        || e.Key == BookingValidator.SeatsField).Select(e => e.Value[0]).FirstOrDefault();

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
        var passengers = Passengers();
        var booking = passengers is null ? null : validator.Validate(new BookingInput(id, null, FullName, Email, Phone) { Passengers = passengers },
            Errors, emailRequired: false, fares: await fareRepository.ListFareTypesAsync(ct, activeOnly: true), allNames: false);
        if (booking is null)
        {
            // The customer's fields get their messages too when the counts were refused first.
            if (passengers is null)
            {
                validator.Validate(new BookingInput(id, 1, FullName, Email, Phone), Errors, emailRequired: false);
            }
            metrics.Booking(BookingChannel.Desk, Outcomes.ValidationError);
            return Page();
        }
        var key = IdempotencyKey is { Length: > 0 and <= 100 } ? "desk-" + IdempotencyKey : null;
        switch (await inventory.BookAsync(new BookingCommand(booking, BookingChannel.Desk, key), ct))
        {
            case BookingOutcome.Confirmed confirmed:
                return RedirectToPage("/Staff/Bookings/Details", new { id = confirmed.Booking.BookingId, sold = 1 });
            case BookingOutcome.InsufficientCapacity refused:
                Errors[BookingValidator.PassengersField] = [OutcomeMessages.Capacity(refused) + "."];
                await LoadAsync(id, ct);
                return Page();
            case BookingOutcome.UnknownFare unknown:
                Errors[BookingValidator.PassengersField] = [OutcomeMessages.UnknownFare(unknown)];
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
        Fares = (await fareRepository.DepartureFaresAsync([id], ct, ReadFrom.Primary))[id].ToList();
        return true;
    }

    /// <summary>The counts as a passenger list in the departure's fare order (any other code after them, for the validator to
    /// refuse by name); null, with a message, when a count does not read as a number of passengers.</summary>
    private List<PassengerInput>? Passengers()
    {
        // A count that does not bind (text, overflow) must never sell anything.
        if (!ModelState.IsValid || Counts.Values.Any(c => c is < 0 || c > MaxPassengers))
        {
            Errors[BookingValidator.PassengersField] = [$"Enter a whole number from 0 to {MaxPassengers} for each fare."];
            return null;
        }
        var total = Counts.Values.Sum(c => c ?? 0);
        if (total == 0)
        {
            Errors[BookingValidator.PassengersField] = ["Enter how many passengers travel."];
            return null;
        }
        if (total > MaxPassengers)
        {
            Errors[BookingValidator.PassengersField] = [$"A booking may have at most {MaxPassengers} passengers."];
            return null;
        }
        var order = Fares.Select(f => f.Code).ToList();
        return Counts.Where(c => c.Value > 0)
            .OrderBy(c => order.IndexOf(c.Key) is var i and >= 0 ? i : int.MaxValue)
            .SelectMany(c => Enumerable.Repeat(new PassengerInput(c.Key, null), c.Value!.Value))
            .ToList();
    }
}
