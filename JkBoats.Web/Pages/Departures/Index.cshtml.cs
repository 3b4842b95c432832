using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Content;
using JkBoats.Data.Departures;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Departures;

public sealed record QuickPick(string Label, DateOnly Day, int Days, bool Current);

[OutputCache(PolicyName = ListingCache.Policy)]
public sealed class IndexModel(DepartureRepository departures, ContentRepository content, OperatorCalendar calendar, Display display) : PageModel
{
    public const int MaxDays = 7;

    [BindProperty(SupportsGet = true, Name = "destination")]
    public string? Destination { get; set; }

    [BindProperty(SupportsGet = true, Name = "date")]
    public string? Date { get; set; }

    [BindProperty(SupportsGet = true, Name = "days")]
    public int? Days { get; set; }

    public DateOnly Today { get; private set; }

    public DateOnly Day { get; private set; }

    public int SpanDays { get; private set; } = 1;

    public string? DateError { get; private set; }

    public IReadOnlyList<string> Destinations { get; private set; } = [];

    public IReadOnlyList<DepartureListing> Departures { get; private set; } = [];

    public DateOnly? NextDay { get; private set; }

    public IReadOnlyList<QuickPick> QuickPicks { get; private set; } = [];

    public OperatorCalendar Calendar => calendar;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Today = calendar.Today;
        Day = Today;
        if (!string.IsNullOrWhiteSpace(Date))
        {
            if (DateOnly.TryParseExact(Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                Day = day < Today ? Today : day;
            }
            else
            {
                DateError = SiteText.T("Choose a date from the calendar.");
            }
        }
        SpanDays = Math.Clamp(Days ?? 1, 1, MaxDays);
        // PostgreSQL text cannot hold NUL, and no destination has invisible characters: drop them rather than fail.
        Destination = Destination is null ? null : PlainText.ForSearch(Destination);
        Destination = string.IsNullOrWhiteSpace(Destination) ? null : Destination.Trim();

        // Destinations are searched by their own names and shown in the visitor's language; a name in any language finds them.
        var texts = await content.ForAsync(Languages.Current, ct);
        Destination = Destination is null ? null : texts.DefaultDestination(Destination);

        var now = calendar.UtcNow;
        var fromUtc = calendar.StartOfDayUtc(Day);
        var toUtc = calendar.StartOfDayUtc(Day.AddDays(SpanDays));
        // One round trip for both reads.
        var (destinations, found) = await departures.ListingAsync(new DepartureSearch(Destination, fromUtc < now ? now : fromUtc, toUtc), now, ct);
        Destinations = destinations.Select(texts.Destination).Order(StringComparer.Create(CultureInfo.CurrentUICulture, ignoreCase: true)).ToList();
        Departures = texts.Apply(found);
        if (Departures.All(d => d.AvailableSeats == 0))
        {
            var next = await departures.NextDepartureTimeAsync(Destination, toUtc > now ? toUtc : now, ct);
            NextDay = next is null ? null : DateOnly.FromDateTime(calendar.ToLocal(next.Value));
        }
        Destination = Destination is null ? null : texts.Destination(Destination);
        QuickPicks = BuildQuickPicks();
        return this.PageOrFragment("_DepartureList");
    }

    public string ResultsTitle => SpanDays == 1
        ? Day == Today ? SiteText.T("Today, {0}", display.ShortDay(Day)) : Day == Today.AddDays(1) ? SiteText.T("Tomorrow, {0}", display.ShortDay(Day)) : display.LongDay(Day)
        : $"{display.ShortDay(Day)} – {display.ShortDay(Day.AddDays(SpanDays - 1))}";

    public string SearchUrl(DateOnly day, int days = 1, string? destination = null) =>
        Url.Page("/Departures/Index", new { destination = destination ?? Destination, date = Display.Iso(day), days = days > 1 ? days : (int?)null })!;

    private List<QuickPick> BuildQuickPicks()
    {
        var saturday = Today.DayOfWeek switch
        {
            DayOfWeek.Saturday => Today,
            DayOfWeek.Sunday => Today,
            _ => Today.AddDays(DayOfWeek.Saturday - Today.DayOfWeek),
        };
        var weekendDays = Today.DayOfWeek == DayOfWeek.Sunday ? 1 : 2;
        return
        [
            new(SiteText.T("Today"), Today, 1, Day == Today && SpanDays == 1),
            new(SiteText.T("Tomorrow"), Today.AddDays(1), 1, Day == Today.AddDays(1) && SpanDays == 1),
            new(SiteText.T("This weekend"), saturday, weekendDays, Day == saturday && SpanDays == weekendDays),
        ];
    }
}
