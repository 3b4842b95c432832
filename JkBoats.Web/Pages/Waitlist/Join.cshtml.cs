using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Email;
using JkBoats.Data.Fares;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace JkBoats.Web.Pages.Waitlist;

/// <summary>Joining a sold-out departure's waiting list: the contact and the party by fare, as in a booking.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class JoinModel(
    DepartureRepository departures, FareRepository fares, SeatInventory inventory, BookingValidator validator, ManageLinks links,
    OperatorCalendar calendar, JkBoats.Data.Content.ContentRepository content) : PageModel
{
    public const string FaresField = "fares";

    public DepartureListing Departure { get; private set; } = null!;

    public IReadOnlyList<DepartureFare> Fares { get; private set; } = [];

    public DateTime LocalTime => calendar.ToLocal(Departure.DepartureTime);

    [BindProperty(Name = "fares")]
    public Dictionary<string, string?> FareCounts { get; set; } = [];

    [BindProperty(Name = "full_name")]
    public string? FullName { get; set; }

    [BindProperty(Name = "email")]
    public string? Email { get; set; }

    [BindProperty(Name = "phone")]
    public string? Phone { get; set; }

    public Dictionary<string, string[]> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public string? Problem { get; private set; }

    /// <summary>The departure has seats for the party after all: the problem comes with a button to book them.</summary>
    public bool SeatsAvailable { get; private set; }

    public string CountFor(DepartureFare fare) =>
        FareCounts.TryGetValue(fare.Code, out var text) && text is not null ? text : fare.Code == "adult" ? "1" : "0";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    [EnableRateLimiting(Security.BookingRateLimit)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var fare in Fares)
        {
            var text = FareCounts.GetValueOrDefault(fare.Code);
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > validator.MaxSeats)
            {
                Errors[FaresField] = [SiteText.T("Enter how many {0} tickets as a whole number from 0 to {1}.", fare.Name, validator.MaxSeats)];
                break;
            }
            if (count > 0)
            {
                counts[fare.Code] = count;
            }
        }
        var passengers = counts.SelectMany(c => Enumerable.Repeat(new PassengerInput(c.Key, null), c.Value)).ToList();
        var input = new BookingInput(id, null, FullName, Email, Phone) { Passengers = passengers };
        var valid = validator.Validate(input, Errors, fares: Fares.Select(f => new FareType(f.FareTypeId, f.Code, f.Name, f.Description, f.TakesSeat, f.SortOrder, true)).ToList(),
            text: SiteText.T);
        foreach (var key in Errors.Keys.Where(k => k is BookingValidator.PassengersField or BookingValidator.SeatsField || k.StartsWith("passengers[", StringComparison.Ordinal)).ToList())
        {
            Errors.TryAdd(FaresField, Errors[key]);
            Errors.Remove(key);
        }
        if (valid is null || Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var outcome = await inventory.JoinWaitlistAsync(new WaitlistJoin(id, valid.Customer, counts) { Language = Languages.Current }, ct);
        switch (outcome.Result)
        {
            case WaitlistJoinResult.Joined:
                return this.SeeOther($"{ManageLinks.WaitlistPathPrefix}{await links.WaitlistTokenForAsync(outcome.EntryId!.Value, ct)}?joined=true");
            case WaitlistJoinResult.SeatsAvailable:
                Response.StatusCode = StatusCodes.Status409Conflict;
                SeatsAvailable = true;
                Problem = SiteText.T("Good news: there are seats for your party right now, so there is no need to wait. Book them instead.");
                return Page();
            case WaitlistJoinResult.AlreadyOnList:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("This email address is already on the waiting list for this departure. The link in your offer email, or the one shown when you joined, shows your place.");
                return Page();
            case WaitlistJoinResult.DepartureClosed:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("This departure no longer takes bookings, so it has no waiting list. Please choose another departure.");
                return Page();
            case WaitlistJoinResult.FareNotSold:
                Response.StatusCode = StatusCodes.Status400BadRequest;
                Errors[FaresField] = [SiteText.T("This departure does not sell one of those ticket types.")];
                return Page();
            case WaitlistJoinResult.NotFound:
                return NotFound();
            default:
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Response.Headers.RetryAfter = "2";
                Problem = SiteText.T("We are very busy right now and could not put you on the list. Nothing has changed; please try again in a moment.");
                return Page();
        }
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await departures.GetAsync(id, ct, ReadFrom.Primary);
        if (departure is null)
        {
            return false;
        }
        var texts = await content.ForAsync(Languages.Current, ct);
        Departure = texts.Apply(departure);
        Fares = (await fares.DepartureFaresAsync([id], ct, ReadFrom.Primary))[id].OrderBy(f => f.SortOrder).Select(texts.Apply).ToList();
        return true;
    }
}
