using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Departures;
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
    DepartureRepository departures, SeatInventory inventory, BookingValidator validator, ManageLinks links, OperatorCalendar calendar, OpsMetrics metrics)
    : PageModel
{
    [BindProperty(Name = "seats")]
    public int? Seats { get; set; }

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

    public string? Notice { get; private set; }

    public int MaxSeats => Math.Max(1, Math.Min(validator.MaxSeats, Departure.AvailableSeats));

    public decimal Total => (Seats ?? 0) * Departure.PricePerSeat;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Seats ??= 1;
        return this.PageOrFragment(StepPartial);
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Step != BookingStep.Closed && Validate(id) is not null)
        {
            if (Seats > Departure.AvailableSeats)
            {
                Errors[BookingValidator.SeatsField] = [OutcomeMessages.SeatsLeft(Departure.AvailableSeats)];
            }
            else
            {
                Step = BookingStep.Review;
                IdempotencyKey = Guid.NewGuid().ToString();
            }
        }
        return this.PageOrFragment(StepPartial);
    }

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
            return ReviewAgain("Please check your booking and confirm it again.");
        }

        var outcome = await inventory.BookAsync(new BookingCommand(booking, BookingChannel.Web, $"web:{key}"), ct);
        switch (outcome)
        {
            case BookingOutcome.Confirmed confirmed:
                var bookingId = confirmed.Booking.BookingId;
                return this.SeeOther(Url.Page("/Bookings/Confirmation", new { id = bookingId, key = await links.ConfirmationKeyAsync(bookingId, ct) })!);
            case BookingOutcome.InsufficientCapacity full:
                Departure = Departure with { AvailableSeats = full.AvailableSeats };
                if (full.AvailableSeats == 0)
                {
                    Step = BookingStep.Closed;
                    Notice = $"Sorry, this departure sold out while you were booking. {OutcomeMessages.NotBooked}";
                }
                else
                {
                    Step = BookingStep.Details;
                    Notice = $"Someone booked seats a moment ago: {OutcomeMessages.SeatsLeft(full.AvailableSeats)} Change the number of seats and continue; your details are kept.";
                    Errors[BookingValidator.SeatsField] = [OutcomeMessages.SeatsLeft(full.AvailableSeats)];
                }
                break;
            case BookingOutcome.DepartureNotFound:
                return NotFound();
            case BookingOutcome.DepartureClosed closed:
                Step = BookingStep.Closed;
                Notice = $"{OutcomeMessages.Closed(closed.Reason)} {OutcomeMessages.NotBooked}";
                break;
            case BookingOutcome.IdempotencyKeyReused:
                return ReviewAgain("Your details changed since the last try. Please check them and confirm again.");
            case BookingOutcome.Busy:
                Step = BookingStep.Review;
                Notice = "We are very busy right now and could not finish your booking yet. Nothing was booked. Please press Confirm booking again.";
                break;
        }
        return this.PageOrFragment(StepPartial);
    }

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
        var booking = validator.Validate(new BookingInput(id, Seats, FullName, Email, Phone), Errors);
        if (booking is null)
        {
            Step = BookingStep.Details;
        }
        return booking;
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct, bool judgeBookable = true)
    {
        var departure = await departures.GetAsync(id, ct, ReadFrom.Primary);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
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
