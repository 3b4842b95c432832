using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Fares;
using JkBoats.Data.Operations;
using JkBoats.Web.Api;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

public sealed class WalkInModel(
    DeskRepository desk, FareRepository fareRepository, BookingValidator validator, SeatInventory inventory, OperatorCalendar calendar, OpsMetrics metrics,
    Microsoft.Extensions.Options.IOptions<JkBoatsOptions> settings)
    : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    [BindProperty] public string? FullName { get; set; }

    [BindProperty] public string? Phone { get; set; }

    [BindProperty] public string? Email { get; set; }

    /// <summary>How the whole price was paid with the sale (<see cref="JkBoats.Data.Payments.PaymentMethod"/>); empty: not paid yet.</summary>
    [BindProperty] public string? PaymentMethod { get; set; }

    public const string PaymentField = "PaymentMethod";

    /// <summary>The radios in their order: not paid yet first (the default, so no payment is recorded by accident), cash next to it.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> PaymentChoices =
    [
        ("", "Not paid yet"),
        (JkBoats.Data.Payments.PaymentMethod.Cash, "Cash"),
        (JkBoats.Data.Payments.PaymentMethod.Card, "Card"),
        (JkBoats.Data.Payments.PaymentMethod.Other, "Other"),
    ];

    public static string PaymentId(string value) => $"payment-{(value.Length == 0 ? "none" : value)}";

    public bool IsChosen(string value) => (PaymentMethod ?? "") == value
        || value.Length == 0 && !JkBoats.Data.Payments.PaymentMethod.IsKnown(PaymentMethod);

    /// <summary>Passengers per fare code (<c>Counts[adult]</c>); a blank field is none.</summary>
    [BindProperty] public Dictionary<string, int?> Counts { get; set; } = [];

    /// <summary>Per passenger, in the order the counts make them: name, birth year, needs and a note (the same fields as online).</summary>
    [BindProperty(Name = PassengerRows.NamesField)] public List<string?> PassengerNames { get; set; } = [];

    [BindProperty(Name = PassengerRows.YearsField)] public List<string?> PassengerYears { get; set; } = [];

    [BindProperty(Name = PassengerRows.NeedsField)] public List<string?> PassengerNeeds { get; set; } = [];

    [BindProperty(Name = PassengerRows.NotesField)] public List<string?> PassengerNotes { get; set; } = [];

    /// <summary>The passenger rows, once the desk asked for them, posted some, or the operator requires every name.</summary>
    public PassengerRows Passengers { get; private set; } = PassengerRows.None;

    public bool ShowPassengers => Passengers.Count > 0;

    public bool NamesRequired => validator.AllNamesRequired;

    public PassengerRowsView PassengerRowsView =>
        new(Passengers, Errors, NamesRequired, "Passenger details", "Names are optional at the desk: the person booking is the lead.");

    /// <summary>The fares this departure sells, adults first.</summary>
    public IReadOnlyList<DepartureFare> Fares { get; private set; } = [];

    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString("N");

    public Dictionary<string, string[]> Errors { get; } = [];

    public string? Problem { get; private set; }

    public int MaxPassengers => validator.MaxPassengers;

    public static string FareField(string code) => $"Counts[{code}]";

    public static string FareId(string code) => $"fare-{code}";

    /// <summary>A message on the counts: the list as a whole, the seats, or a fare the counts named (not a passenger's name or needs).</summary>
    public string? FaresError => Errors.Where(e => e.Key == BookingValidator.PassengersField || e.Key == BookingValidator.SeatsField
        || e.Key.EndsWith("].fare", StringComparison.Ordinal)).Select(e => e.Value[0]).FirstOrDefault();

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? messages[0] : null;

    /// <summary>The field that gets the focus: the first that failed, in the form's order, or the name on a fresh form.</summary>
    public string FocusId =>
        ErrorFor(BookingValidator.FullNameField) is not null ? "FullName"
        : FaresError is not null && Fares.Count > 0 ? FareId(Fares[0].Code)
        : ErrorFor(PaymentField) is not null ? PaymentId("")
        : ErrorFor(BookingValidator.PhoneField) is not null ? "Phone"
        : ErrorFor(BookingValidator.EmailField) is not null ? "Email"
        : "FullName";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var paymentRefused = !string.IsNullOrEmpty(PaymentMethod) && !JkBoats.Data.Payments.PaymentMethod.IsKnown(PaymentMethod);
        if (paymentRefused)
        {
            Errors[PaymentField] = ["Choose how it was paid: not paid yet, cash, card or other."];
        }
        var passengers = ReadPassengers(showRows: PassengerNames.Count > 0 || NamesRequired);
        var booking = passengers is null ? null : validator.Validate(new BookingInput(id, null, FullName, Email, Phone) { Passengers = passengers },
            Errors, emailRequired: false, fares: await fareRepository.ListFareTypesAsync(ct, activeOnly: true), phoneRequired: false);
        if (booking is null || paymentRefused)
        {
            // The customer's fields get their messages too when the counts were refused first.
            if (passengers is null)
            {
                validator.Validate(new BookingInput(id, 1, FullName, Email, Phone), Errors, emailRequired: false, phoneRequired: false);
            }
            metrics.Booking(BookingChannel.Desk, Outcomes.ValidationError);
            if (paymentRefused)
            {
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
            return Page();
        }
        var key = IdempotencyKey is { Length: > 0 and <= 100 } ? "desk-" + IdempotencyKey : null;
        // The customer's emails are in the operator's language: the desk page asks for none.
        var command = new BookingCommand(booking, BookingChannel.Desk, key) { Language = Languages.Default(settings.Value.Locale) };
        switch (await inventory.BookAsync(command with { PaymentMethod = string.IsNullOrEmpty(PaymentMethod) ? null : PaymentMethod, Actor = User.Actor() }, ct))
        {
            case BookingOutcome.Confirmed confirmed:
                return RedirectToPage("/Staff/Bookings/Details", new { id = confirmed.Booking.BookingId, sold = true });
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

    /// <summary>"Add names and needs": the same form with a row per passenger the counts make; nothing is sold yet.</summary>
    public async Task<IActionResult> OnPostPassengersAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        ReadPassengers(showRows: true);
        return Page();
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
    /// refuse by name), with what the rows say of each passenger; null, with a message, when a count does not read as a number
    /// of passengers.</summary>
    private List<PassengerInput>? ReadPassengers(bool showRows)
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
        var unknown = Counts.Where(c => c.Value > 0 && Fares.All(f => f.Code != c.Key))
            .SelectMany(c => Enumerable.Repeat(new PassengerInput(c.Key, null), c.Value!.Value)).ToList();
        var rows = PassengerRows.Line(Fares, code => Counts.TryGetValue(code, out var n) ? n ?? 0 : 0,
            PassengerNames, PassengerYears, PassengerNeeds, PassengerNotes, Errors);
        if (showRows && unknown.Count == 0)
        {
            Passengers = rows;
        }
        return [.. rows.Inputs, .. unknown];
    }
}
