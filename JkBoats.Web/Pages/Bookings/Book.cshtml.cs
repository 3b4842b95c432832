using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Departures;
using JkBoats.Data.Fares;
using System.Globalization;
using JkBoats.Data.Operations;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Bookings;

public enum BookingStep
{
    Details,
    Review,
    Closed,
}

/// <summary>Booking in three steps: details, review, confirm. Typed values travel in the forms, never in the URL.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class BookModel(
    DepartureRepository departures, FareRepository fares, SeatInventory inventory, BookingValidator validator, ManageLinks links,
    OperatorCalendar calendar, OpsMetrics metrics, JkBoats.Data.Content.ContentRepository content)
    : PageModel
{
    /// <summary>The adults of a form from before fares (a plain seat count); <see cref="FareCounts"/> wins when both are sent.</summary>
    [BindProperty(Name = "seats")]
    public int? Seats { get; set; }

    /// <summary>How many of each fare, by fare code: <c>fares[adult]=2&amp;fares[infant]=1</c>.</summary>
    [BindProperty(Name = "fares")]
    public Dictionary<string, string?> FareCounts { get; set; } = [];

    /// <summary>Per passenger, in the order of <see cref="Passengers"/>: name, birth year, needs and a note on them.</summary>
    [BindProperty(Name = PassengerRows.NamesField)]
    public List<string?> PassengerNames { get; set; } = [];

    [BindProperty(Name = PassengerRows.YearsField)]
    public List<string?> PassengerYears { get; set; } = [];

    [BindProperty(Name = PassengerRows.NeedsField)]
    public List<string?> PassengerNeeds { get; set; } = [];

    [BindProperty(Name = PassengerRows.NotesField)]
    public List<string?> PassengerNotes { get; set; } = [];

    /// <summary>The − and + buttons: <c>code:-1</c> or <c>code:1</c>.</summary>
    [BindProperty(Name = "adjust")]
    public string? Adjust { get; set; }

    public IReadOnlyList<DepartureFare> Fares { get; private set; } = [];

    [BindProperty(Name = "full_name")]
    public string? FullName { get; set; }

    [BindProperty(Name = "email")]
    public string? Email { get; set; }

    [BindProperty(Name = "phone")]
    public string? Phone { get; set; }

    [BindProperty(Name = "idempotency_key")]
    public string? IdempotencyKey { get; set; }

    public BookingStep Step { get; private set; } = BookingStep.Details;

    public DepartureListing Departure { get; private set; } = null!;

    public DateTime LocalTime { get; private set; }

    public Dictionary<string, string[]> Errors { get; } = [];

    /// <summary>Sold out but still sailing: the closed step offers the waiting list.</summary>
    public bool CanWait => Step == BookingStep.Closed && Departure.AvailableSeats == 0
        && Statuses.ClosureOf(Departure.Status, Departure.DepartureTime, calendar.UtcNow) == DepartureClosure.Open;

    public string? Notice { get; private set; }

    public int MaxSeats => Math.Max(1, Math.Min(validator.MaxSeats, Departure.AvailableSeats));

    public int CountOf(string code) => Counts.TryGetValue(code, out var n) ? n : 0;

    /// <summary>Counts read from the form; a count that is not a whole number from 0 to <see cref="MaxCount"/> is an error.</summary>
    private Dictionary<string, int> Counts { get; set; } = [];

    public int MaxCount => validator.MaxSeats;

    /// <summary>The most a stepper goes to: seats left for a fare that takes one, else the per-booking limit.</summary>
    public int MaxFor(DepartureFare fare) => fare.TakesSeat ? MaxSeats : MaxCount;

    /// <summary>The passengers the counts make, in fare order, each with what the form says of them.</summary>
    public PassengerRows Passengers { get; private set; } = PassengerRows.None;

    public int SeatsChosen => Passengers.Rows.Count(p => p.Fare.TakesSeat);

    public decimal Total => Passengers.Rows.Sum(p => p.Fare.Price);

    public PassengerRowsView PassengerRowsView => new(Passengers, Errors, NamesRequired, SiteText.T("2. Passengers"), SiteText.T("Names help the crew; only yours is needed."));

    public bool NamesRequired => validator.AllNamesRequired;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>The error summary's lines, in the form's order, each with the id of the field it is about (null: not a field).</summary>
    public IEnumerable<(string? FieldId, string Message)> ErrorLinks => Errors
        .Select(e => (Id: FieldIdFor(e.Key), Order: FieldOrder(e.Key), Message: string.Join(" ", e.Value)))
        .OrderBy(e => e.Order).ThenBy(e => e.Id, StringComparer.Ordinal)
        .Select(e => (e.Id, e.Message));

    private string? FieldIdFor(string key) => key switch
    {
        FaresField => Fares.Count > 0 ? $"fare-{Fares[0].Code}" : null,
        BookingValidator.FullNameField => "full_name",
        BookingValidator.EmailField => "email",
        BookingValidator.PhoneField => "phone",
        _ when key.StartsWith("passengers[", StringComparison.Ordinal) && key.IndexOf(']') is var end and > 11
            && int.TryParse(key[11..end], NumberStyles.None, CultureInfo.InvariantCulture, out var i) => key[(end + 2)..] switch
            {
                "full_name" => $"passenger-name-{i}",
                "birth_year" => $"passenger-year-{i}",
                "needs" => $"passenger-needs-{i}",
                "fare" => Fares.Count > 0 ? $"fare-{Fares[0].Code}" : null,
                _ => $"passenger-note-{i}",
            },
        _ => null,
    };

    private static int FieldOrder(string key) => key switch
    {
        BookingValidator.DepartureField => 0,
        FaresField => 1,
        BookingValidator.FullNameField => 3,
        BookingValidator.EmailField => 4,
        BookingValidator.PhoneField => 5,
        _ => 2,
    };

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Seats ??= 1;
        ReadPassengers();
        return this.PageOrFragment(StepPartial);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Step != BookingStep.Closed)
        {
            // Every field's problem at once: the seats left are judged even when a field was refused, so a customer with too
            // many tickets and a bad phone hears of both on the first submit.
            var valid = Validate(id);
            if (!Errors.ContainsKey(FaresField) && SeatsChosen > Departure.AvailableSeats)
            {
                Errors[FaresField] = [OutcomeMessages.SeatsLeft(Departure.AvailableSeats)];
            }
            else if (!Errors.ContainsKey(FaresField) && Passengers.Count > Departure.AvailablePersons)
            {
                Errors[FaresField] = [SiteText.T("Only {0} more persons may board (infants on a lap included).", Departure.AvailablePersons)];
            }
            if (valid is not null && Errors.Count == 0)
            {
                Step = BookingStep.Review;
                IdempotencyKey = Guid.NewGuid().ToString();
            }
        }
        return this.PageOrFragment(StepPartial);
    }

    /// <summary>A − or + button: the same form again with one fare's count changed; nothing is checked or kept yet.</summary>
    public async Task<IActionResult> OnPostAdjustAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Adjust?.Split(':') is [var code, var by] && Fares.Any(f => f.Code == code) && int.TryParse(by, out var change) && change is -1 or 1)
        {
            var count = Math.Clamp(CountOf(code) + change, 0, MaxCount);
            FareCounts[code] = count.ToString(CultureInfo.InvariantCulture);
            ReadPassengers();
        }
        return this.PageOrFragment(StepPartial);
    }

    public const string FaresField = "fares";

    public async Task<IActionResult> OnPostEditAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        return this.PageOrFragment(StepPartial);
    }

    /// <summary>Step 2 → 3: books, then Post/Redirect/Get to the confirmation. The idempotency key makes a repeat harmless.</summary>
    [EnableRateLimiting(Security.BookingRateLimit)]
    public async Task<IActionResult> OnPostConfirmAsync(Guid id, CancellationToken ct)
    {
        // The engine judges seats and departure state itself, so a replayed confirm still finds its booking.
        if (!await LoadAsync(id, ct, judgeBookable: false))
        {
            return NotFound();
        }
        var booking = Validate(id);
        if (booking is null)
        {
            metrics.Booking(BookingChannel.Web, Outcomes.ValidationError);
            return this.PageOrFragment(StepPartial);
        }
        if (!Guid.TryParse(IdempotencyKey, out var key))
        {
            return ReviewAgain(SiteText.T("Please check your booking and confirm it again."));
        }

        var outcome = await inventory.BookAsync(new BookingCommand(booking, BookingChannel.Web, $"web:{key}") { Language = Languages.Current }, ct);
        switch (outcome)
        {
            case BookingOutcome.Confirmed confirmed:
                var bookingId = confirmed.Booking.BookingId;
                return this.SeeOther(Url.Page("/Bookings/Confirmation", new { id = bookingId, key = await links.ConfirmationKeyAsync(bookingId, ct) })!);
            case BookingOutcome.UnknownFare:
                Step = BookingStep.Details;
                Notice = SiteText.T("The fares of this departure changed while you were booking. {0} Please choose your tickets again.", OutcomeMessages.NotBooked);
                break;
            case BookingOutcome.InsufficientCapacity { AvailablePersons: { } persons } tooMany when persons < tooMany.RequestedPersons && SeatsWereEnough(tooMany):
                Departure = Departure with { AvailablePersons = persons };
                Step = BookingStep.Details;
                Notice = SiteText.T("Only {0} more persons may board (infants on a lap included). {1} Change your tickets and continue; your details are kept.",
                    persons, OutcomeMessages.NotBooked);
                Errors[FaresField] = [Notice];
                break;
            case BookingOutcome.InsufficientCapacity full:
                Departure = Departure with { AvailableSeats = full.AvailableSeats };
                if (full.AvailableSeats == 0)
                {
                    Step = BookingStep.Closed;
                    Notice = SiteText.T("Sorry, this departure sold out while you were booking. {0}", OutcomeMessages.NotBooked);
                }
                else
                {
                    Step = BookingStep.Details;
                    Notice = SiteText.T("Someone booked seats a moment ago: {0} Change the number of seats and continue; your details are kept.",
                        OutcomeMessages.SeatsLeft(full.AvailableSeats));
                    Errors[FaresField] = [OutcomeMessages.SeatsLeft(full.AvailableSeats)];
                }
                break;
            case BookingOutcome.DepartureNotFound:
                return NotFound();
            case BookingOutcome.DepartureClosed closed:
                Step = BookingStep.Closed;
                Notice = $"{OutcomeMessages.Closed(closed.Reason)} {OutcomeMessages.NotBooked}";
                break;
            case BookingOutcome.IdempotencyKeyReused:
                return ReviewAgain(SiteText.T("Your details changed since the last try. Please check them and confirm again."));
            case BookingOutcome.Busy:
                Step = BookingStep.Review;
                Notice = SiteText.T("We are very busy right now and could not finish your booking yet. Nothing was booked. Please press Confirm booking again.");
                break;
        }
        return this.PageOrFragment(StepPartial);
    }

    private static bool SeatsWereEnough(BookingOutcome.InsufficientCapacity refused) => refused.AvailableSeats >= refused.Requested;

    public string StepPartial => Step switch
    {
        BookingStep.Review => "_Review",
        BookingStep.Closed => "_Closed",
        _ => "_Details",
    };

    private IActionResult ReviewAgain(string notice)
    {
        Step = BookingStep.Review;
        Notice = notice;
        IdempotencyKey = Guid.NewGuid().ToString();
        return this.PageOrFragment(StepPartial);
    }

    private ValidBooking? Validate(Guid id)
    {
        var booking = validator.Validate(
            new BookingInput(id, null, FullName, Email, Phone) { Passengers = Passengers.Inputs },
            Errors, fares: Fares.Select(f => new FareType(f.FareTypeId, f.Code, f.Name, f.Description, f.TakesSeat, f.SortOrder, true)).ToList(),
            text: SiteText.T);
        // The passenger list's own errors belong to the tickets on this page.
        foreach (var key in Errors.Keys.Where(k => k is BookingValidator.PassengersField or BookingValidator.SeatsField).ToList())
        {
            Errors[FaresField] = Errors[key];
            Errors.Remove(key);
        }
        if (booking is null)
        {
            Step = BookingStep.Details;
        }
        return booking;
    }

    /// <summary>Reads the counts (or the legacy seat count as adults) and lines up the passengers they make with the posted names.</summary>
    private void ReadPassengers()
    {
        Counts = [];
        var any = false;
        foreach (var fare in Fares)
        {
            if (!FareCounts.TryGetValue(fare.Code, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            any = true;
            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= MaxCount)
            {
                Counts[fare.Code] = n;
            }
            else
            {
                Errors[FaresField] = [SiteText.T("Enter how many {0} tickets as a whole number from 0 to {1}.", fare.Name, MaxCount)];
            }
        }
        if (!any && Seats is { } seats)
        {
            if (seats is >= 0 && seats <= MaxCount)
            {
                Counts[FareType.Adult] = seats;
            }
            else
            {
                Errors[FaresField] = [SiteText.T(BookingTexts.SeatsBetween, MaxCount)];
            }
        }
        Passengers = PassengerRows.Line(Fares, CountOf, PassengerNames, PassengerYears, PassengerNeeds, PassengerNotes, Errors);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct, bool judgeBookable = true)
    {
        var departure = await departures.GetAsync(id, ct, ReadFrom.Primary);
        if (departure is null)
        {
            return false;
        }
        var texts = await content.ForAsync(Languages.Current, ct);
        Departure = texts.Apply(departure);
        Fares = (await fares.DepartureFaresAsync([id], ct, ReadFrom.Primary))[id].Select(texts.Apply).ToList();
        ReadPassengers();
        LocalTime = calendar.ToLocal(departure.DepartureTime);
        if (!judgeBookable)
        {
            return true;
        }
        if (Statuses.ClosureOf(departure.Status, departure.DepartureTime, calendar.UtcNow) is var closure and not DepartureClosure.Open)
        {
            Step = BookingStep.Closed;
            Notice = OutcomeMessages.Closed(closure);
        }
        else if (departure.AvailableSeats == 0)
        {
            Step = BookingStep.Closed;
            Notice = OutcomeMessages.SoldOut;
        }
        return true;
    }
}
