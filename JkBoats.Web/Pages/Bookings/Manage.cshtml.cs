using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Payments;
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
    OperatorRepository operatorDetails, PaymentRepository payments, Display display, JkBoats.Data.Content.ContentRepository content)
    : PageModel
{
    public OperatorDetails Operator { get; private set; } = null!;

    public Balance Balance { get; private set; } = new(0, 0, 0);

    public const string ChangedBy = BookingCancellation.Customer;

    public BookingConfirmation Booking { get; private set; } = null!;

    public DateTime LocalDeparture { get; private set; }

    /// <summary>Opens the printable confirmation from here, without sending the manage token along.</summary>
    public string ConfirmationKey { get; private set; } = "";

    public TimeSpan Cutoff => options.Value.CustomerCancelCutoff;

    public DateTime LocalCancelDeadline => LocalDeparture - Cutoff;

    public bool CanCancel => Booking.Status == BookingStatus.Confirmed && WeatherChoice is null && Booking.DepartureTime - calendar.UtcNow >= Cutoff;

    /// <summary>The departure was cancelled and the booking waits for the customer's choice (shown instead of changes and cancelling).</summary>
    public WeatherChoiceOffer? WeatherChoice { get; private set; }

    /// <summary>Moving, taking passengers off and correcting names close at the same cut-off as cancelling.</summary>
    public bool CanChange => CanCancel;

    /// <summary>Departures to the same destination the whole party fits on, with the booking's total there.</summary>
    public IReadOnlyList<MoveOption> MoveOptions { get; private set; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    /// <summary>Per passenger position, the name typed when a correction was refused (shown back as typed).</summary>
    public IReadOnlyDictionary<int, string?> TypedNames { get; private set; } = new Dictionary<int, string?>();

    /// <summary>Where the problem belongs: "move", "remove", "names" or "cancel".</summary>
    public string? ProblemSection { get; private set; }

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
                Notice = SiteText.T("Your booking is cancelled and its seats are released. A confirmation email is on its way.");
                return this.SeeOther(Request.Path);
            case ChangeResult.NothingToChange:
                Notice = SiteText.T("This booking was already cancelled.");
                return this.SeeOther(Request.Path);
            case ChangeResult.NotFound:
                return NotFound();
            case ChangeResult.TooLate:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("Online cancellation closed {0} before departure. Please contact the front desk with your confirmation code.", Display.Duration(Cutoff));
                return Page();
            default:
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Response.Headers.RetryAfter = "2";
                Problem = SiteText.T("We are very busy right now and could not cancel your booking. Nothing has changed; please try again in a moment.");
                return Page();
        }
    }

    [EnableRateLimiting(Security.CancelRateLimit)]
    public async Task<IActionResult> OnPostMoveAsync(string token, Guid? targetDepartureId, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        if (targetDepartureId is not { } target)
        {
            return Refuse("move", SiteText.T("Choose the departure to move to."));
        }
        var before = Booking.TotalPrice;
        var outcome = await inventory.MoveBookingAsync(Booking.BookingId, target, ChangedBy, ct, Cutoff, sameDestination: true);
        if (outcome.Result == ChangeResult.Done)
        {
            var moved = await bookings.GetAsync(Booking.BookingId, ct);
            var difference = (moved?.TotalPrice ?? before) - before;
            Notice = string.Join(" ",
                SiteText.T("Your booking is moved to {0}.", display.DayAndTime(calendar.ToLocal(moved?.DepartureTime ?? Booking.DepartureTime))),
                difference > 0 ? SiteText.T("The new total is {0}: {1} more, paid at the pier.", display.Price(before + difference), display.Price(difference))
                    : difference < 0 ? SiteText.T("The new total is {0}: {1} less.", display.Price(before + difference), display.Price(-difference)) : SiteText.T("The price is the same."),
                SiteText.T("An email with the new details is on its way."));
            return this.SeeOther(Request.Path);
        }
        return ChangeRefused("move", outcome);
    }

    [EnableRateLimiting(Security.CancelRateLimit)]
    public async Task<IActionResult> OnPostRemoveAsync(string token, int[]? remove, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        var positions = (remove ?? []).Distinct().ToArray();
        if (positions.Length == 0)
        {
            return Refuse("remove", SiteText.T("Tick the passengers who will not travel."));
        }
        var outcome = await inventory.RemovePassengersAsync(Booking.BookingId, positions, ChangedBy, Cutoff, ct);
        if (outcome.Result == ChangeResult.Done)
        {
            var changed = await bookings.GetAsync(Booking.BookingId, ct);
            Notice = string.Join(" ",
                positions.Length == 1 ? SiteText.T("1 passenger is off the booking and their seats are released.")
                    : SiteText.T("{0} passengers are off the booking and their seats are released.", positions.Length),
                SiteText.T("The booking is now {0}, {1} paid at the pier.", Display.FareCounts(changed?.Passengers ?? []), display.Price(changed?.TotalPrice ?? 0)),
                SiteText.T("A confirmation email is on its way."));
            return this.SeeOther(Request.Path);
        }
        return ChangeRefused("remove", outcome);
    }

    [EnableRateLimiting(Security.CancelRateLimit)]
    public async Task<IActionResult> OnPostNamesAsync(string token, Dictionary<int, string?>? names, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        names ??= [];
        TypedNames = names;
        foreach (var (position, name) in names)
        {
            var trimmed = name?.Trim() ?? "";
            if (trimmed.Length > BookingValidator.MaxNameLength)
            {
                return Refuse("names", SiteText.T("Passenger {0}: a name may have at most {1} characters. Nothing was changed.", position, BookingValidator.MaxNameLength));
            }
            if (!PlainText.IsClean(trimmed))
            {
                return Refuse("names", SiteText.T("Passenger {0}: a name must not contain invisible, direction or control characters. Nothing was changed.", position));
            }
            if (trimmed.Length == 0 && options.Value.RequireAllPassengerNames)
            {
                return Refuse("names", SiteText.T("Passenger {0}: every passenger needs a name. Nothing was changed.", position));
            }
        }
        var outcome = await inventory.CorrectNamesAsync(
            Booking.BookingId, names.ToDictionary(n => n.Key, n => n.Value?.Trim().Normalize(System.Text.NormalizationForm.FormC)), ChangedBy, Cutoff, ct);
        switch (outcome.Result)
        {
            case ChangeResult.Done:
                Notice = SiteText.T("The passenger names are corrected. A confirmation email is on its way.");
                return this.SeeOther(Request.Path);
            case ChangeResult.NothingToChange when Booking.Status == BookingStatus.Confirmed:
                Notice = SiteText.T("The names were already as given; nothing changed.");
                return this.SeeOther(Request.Path);
            default:
                return ChangeRefused("names", outcome);
        }
    }

    /// <summary>The answer to a weather cancellation: one of the offered departures, or "cancel".</summary>
    [EnableRateLimiting(Security.CancelRateLimit)]
    public async Task<IActionResult> OnPostWeatherAsync(string token, string? choice, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        if (WeatherChoice is null)
        {
            Notice = SiteText.T("This booking's choice is already made; this page shows it as it stands.");
            return this.SeeOther(Request.Path);
        }
        Guid? target = null;
        if (choice != "cancel")
        {
            if (!Guid.TryParse(choice, out var picked))
            {
                return Refuse("weather", SiteText.T("Choose one of the departures, or to cancel. Nothing was changed."));
            }
            target = picked;
        }
        var outcome = await inventory.ChooseWeatherOptionAsync(Booking.BookingId, target, ChangedBy, ct);
        if (outcome.Result == ChangeResult.Done)
        {
            var now = await bookings.GetAsync(Booking.BookingId, ct);
            Notice = target is null
                ? SiteText.T("Your booking is cancelled; there is nothing to pay. A confirmation email is on its way.")
                : SiteText.T("Your booking is moved to {0}, {1} paid at the pier. An email with the new details is on its way.",
                    display.DayAndTime(calendar.ToLocal(now?.DepartureTime ?? Booking.DepartureTime)), display.Price(now?.TotalPrice ?? Booking.TotalPrice));
            return this.SeeOther(Request.Path);
        }
        return outcome.Result switch
        {
            ChangeResult.TooLate => Refuse("weather", status: StatusCodes.Status409Conflict, message:
                SiteText.T("The time to choose ended at {0}. Please call the desk on {1} with your code.",
                    display.DayAndTime(calendar.ToLocal(WeatherChoice.DeadlineUtc)), PhoneDisplay.Readable(Operator.Phone))),
            ChangeResult.NothingToChange => this.SeeOther(Request.Path),
            ChangeResult.TargetNotBookable => Refuse("weather", status: StatusCodes.Status409Conflict, message: SiteText.T("That departure is not one of those offered, or no longer takes bookings. Choose another, or to cancel.")),
            _ => ChangeRefused("weather", outcome),
        };
    }

    private IActionResult ChangeRefused(string section, ChangeOutcome outcome)
    {
        if (outcome.Result == ChangeResult.NotFound)
        {
            return NotFound();
        }
        var (status, message) = outcome.Result switch
        {
            ChangeResult.TooLate => (StatusCodes.Status409Conflict,
                SiteText.T("Online changes closed {0} before departure. Please contact the front desk with your confirmation code.", Display.Duration(Cutoff))),
            ChangeResult.NothingToChange => (StatusCodes.Status409Conflict, SiteText.T("This booking can no longer be changed online: it is cancelled, or already as asked.")),
            ChangeResult.TargetNotBookable => (StatusCodes.Status409Conflict,
                SiteText.T("That departure no longer takes online changes (it leaves within {0}, was cancelled or is gone). Choose another.", Display.Duration(Cutoff))),
            ChangeResult.NotEnoughSeats => (StatusCodes.Status409Conflict,
                SiteText.T("That departure has only {0} left now; your booking needs {1}. Choose another.", Display.Seats(outcome.AvailableSeats), outcome.SeatsNeeded)),
            ChangeResult.NotEnoughRoom => (StatusCodes.Status409Conflict,
                SiteText.T("That departure may carry only {0} more persons now; your party is {1}, infants included. Choose another.", outcome.AvailableSeats, outcome.SeatsNeeded)),
            ChangeResult.FareNotSold => (StatusCodes.Status409Conflict, SiteText.T("That departure does not sell every ticket type of your booking. Choose another.")),
            ChangeResult.OtherDestination => (StatusCodes.Status409Conflict,
                SiteText.T("Online, a booking moves only to another departure to {0}. For another destination, cancel and book again, or contact the desk.", Booking.Destination)),
            ChangeResult.LeadPassenger => (StatusCodes.Status400BadRequest, section == "names"
                ? SiteText.T("The lead passenger must keep a name. Nothing was changed.")
                : SiteText.T("The lead passenger stays on the booking; to drop everyone, cancel the booking instead. Nothing was changed.")),
            ChangeResult.PartyInvalid => (StatusCodes.Status400BadRequest,
                SiteText.T("Someone with a seat must stay, with a lap for every infant. Nothing was changed.")),
            ChangeResult.UnknownPassenger => (StatusCodes.Status400BadRequest, SiteText.T("That passenger is not on this booking. Nothing was changed.")),
            _ => (StatusCodes.Status503ServiceUnavailable, SiteText.T("We are very busy right now and could not change your booking. Nothing has changed; please try again in a moment.")),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            Response.Headers.RetryAfter = "2";
        }
        return Refuse(section, message, status);
    }

    private IActionResult Refuse(string section, string message, int status = StatusCodes.Status400BadRequest)
    {
        Response.StatusCode = status;
        ProblemSection = section;
        Problem = message;
        return Page();
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
        var texts = await content.ForAsync(JkBoats.Web.Infrastructure.Languages.Current, ct);
        Booking = texts.Apply(booking);
        LocalDeparture = calendar.ToLocal(booking.DepartureTime);
        ConfirmationKey = await links.ConfirmationKeyAsync(booking.BookingId, ct);
        Operator = await operatorDetails.CurrentAsync(JkBoats.Web.Infrastructure.Languages.Current, ct);
        Balance = await payments.BalanceAsync(booking.BookingId, ct) ?? Balance;
        WeatherChoice = booking.Status == BookingStatus.Confirmed ? await bookings.WeatherChoiceAsync(booking.BookingId, calendar.UtcNow, ct) : null;
        WeatherChoice = WeatherChoice is null ? null : texts.Apply(WeatherChoice);
        if (CanChange)
        {
            MoveOptions = await bookings.MoveOptionsAsync(booking.BookingId, calendar.UtcNow + Cutoff, 12, ct);
        }
        return true;
    }
}
