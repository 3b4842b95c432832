using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Data.Payments;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

public sealed class ManifestModel(DeskRepository desk, SeatInventory inventory, OperatorCalendar calendar, PaymentRepository payments, Display display) : PageModel
{
    public IReadOnlyDictionary<Guid, Balance> Balances { get; private set; } = new Dictionary<Guid, Balance>();

    /// <summary>The payment just taken from the manifest ("Paid $60.00 cash for ABC123"), for the status line.</summary>
    public string? PaymentDone { get; private set; }

    public BoardRow Departure { get; private set; } = null!;

    public IReadOnlyList<ManifestPassenger> Passengers { get; private set; } = [];

    /// <summary>The passengers booking by booking, in manifest order.</summary>
    public IEnumerable<IGrouping<Guid, ManifestPassenger>> Bookings => Passengers.GroupBy(p => p.BookingId);

    public bool Departed => Departure.DepartureTime <= Now;

    public DateTime Now => calendar.UtcNow;

    public string? CheckInProblem { get; private set; }

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCheckInAsync(Guid id, Guid bookingId, bool checkedIn, CancellationToken ct)
    {
        var outcome = await inventory.CheckInAsync(new CheckInRequest(bookingId, null, checkedIn, User.Actor()) { DepartureId = id }, ct);
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        CheckInProblem = outcome.Succeeded ? null : OutcomeMessages.CheckIn(outcome, null, Local, display);
        return this.PageOrFragment("_Manifest", otherwise: outcome.Succeeded ? RedirectToPage(new { id }) : Page());
    }

    public async Task<IActionResult> OnPostBoardingAsync(Guid id, Guid? bookingId, Guid? passengerId, BoardingAction? action, CancellationToken ct)
    {
        // A passenger id that does not parse must not turn into "the whole booking".
        var unreadable = bookingId is null || action is null || passengerId is null && Request.Form.ContainsKey("passengerId");
        var outcome = unreadable
            ? new BoardingOutcome(BoardingResult.NotFound)
            : await inventory.MarkBoardingAsync(new BoardingRequest(id, bookingId!.Value, passengerId, action!.Value, User.Actor()), ct);
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        CheckInProblem = outcome.Succeeded ? null : OutcomeMessages.Boarding(outcome, Local, display);
        return this.PageOrFragment("_Manifest", otherwise: outcome.Succeeded ? RedirectToPage(new { id }) : Page());
    }

    /// <summary>The manifest's quick payment: what a booking owes, taken in one press by cash or card.</summary>
    public async Task<IActionResult> OnPostPaymentAsync(Guid id, Guid? bookingId, string? method, string? amount, CancellationToken ct)
    {
        var value = MoneyInput.Parse(amount);
        var outcome = bookingId is null || value is null || !PaymentMethod.IsKnown(method)
            ? new PaymentOutcome(PaymentResult.InvalidAmount)
            : await inventory.TakePaymentAsync(new PaymentRequest(bookingId.Value, PaymentKind.Payment, method!, value.Value, User.Actor(), "at boarding"), ct);
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (outcome.Succeeded)
        {
            PaymentDone = $"{display.Price(value!.Value)} {PaymentMethod.Label(method!).ToLowerInvariant()} taken for {outcome.ConfirmationCode}.";
        }
        else
        {
            CheckInProblem = outcome.Result switch
            {
                PaymentResult.MoreThanOwed => $"{outcome.ConfirmationCode} owes {display.Price(outcome.Balance!.Owed)} now, not {display.Price(value!.Value)}: nothing was taken. Check the booking.",
                PaymentResult.NotConfirmed => $"{outcome.ConfirmationCode} is cancelled: nothing was taken.",
                PaymentResult.NotFound => "No such booking: nothing was taken.",
                PaymentResult.Busy => "The booking is busy right now: nothing was taken. Please try again.",
                _ => "That payment could not be read: nothing was taken.",
            };
            Response.StatusCode = outcome.Result is PaymentResult.InvalidAmount or PaymentResult.UnknownMethod ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
        }
        return this.PageOrFragment("_Manifest", otherwise: Page());
    }

    public async Task<IActionResult> OnGetCsvAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        // The phone stays E.164 here: a spreadsheet reads it as it is, and CsvFile leaves a plain one unquoted.
        var csv = CsvFile.Build(["code", "name", "phone", "email", "fare", "birth_year", "needs", "needs_note", "booked_by", "checked_in", "no_show"],
            Passengers.Select(p => new[]
            {
                p.ConfirmationCode, p.DisplayName, p.Phone, p.Email, p.FareName, p.BirthYear?.ToString(CultureInfo.InvariantCulture), p.Needs, p.NeedsNote, p.BookedBy, Stamp(p.CheckedInAt), Stamp(p.NoShowAt),
            }));
        var name = $"manifest-{calendar.ToLocal(Departure.DepartureTime):yyyy-MM-dd-HHmm}-{Departure.BoatName.Replace(' ', '-')}.csv";
        return File(csv, "text/csv; charset=utf-8", name);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        Passengers = await desk.ManifestAsync(id, ct);
        Balances = await payments.BalancesAsync(Passengers.Select(p => p.BookingId).Distinct().ToList(), ct);
        return true;
    }

    private string? Stamp(DateTime? utc) =>
        utc is { } at ? calendar.ToLocal(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : null;
}
