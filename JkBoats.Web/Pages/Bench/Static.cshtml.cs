using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Web.Pages.Departures;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Bench;

/// <summary>The benchmark's ceiling: the listing page's own partial around eight fixed, in-memory Hydra departures tomorrow, so it renders what the
/// listing renders without touching the database. Served only when JkBoats:Bench:Enabled is set (bench/run.sh sets it).</summary>
public sealed class StaticModel(IConfiguration configuration, OperatorCalendar calendar, Display display) : PageModel
{
    private static readonly string[] Destinations = ["Aegina", "Agistri", "Hydra", "Poros", "Spetses"];

    private static readonly (int Hour, int Minute, int Capacity, int Available, bool HasAc)[] Trips =
    [
        (8, 0, 120, 76, true), (9, 30, 120, 114, false), (11, 0, 80, 75, true), (12, 30, 120, 111, true),
        (14, 0, 40, 37, false), (15, 30, 80, 77, false), (17, 0, 40, 39, true), (18, 30, 120, 112, false),
    ];

    public IndexModel Listing { get; private set; } = null!;

    public IActionResult OnGet()
    {
        if (!configuration.GetValue<bool>("JkBoats:Bench:Enabled"))
        {
            return NotFound();
        }
        var day = calendar.Today.AddDays(1);
        var departures = Trips.Select((t, i) => new DepartureListing(
            new Guid(i + 1, 0, 0, new byte[8]), new Guid(0, (short)(i + 1), 0, new byte[8]), $"Bench Boat {i + 1}", t.Capacity, t.Available, t.HasAc, 25.00m,
            calendar.LocalToUtc(day.ToDateTime(new TimeOnly(t.Hour, t.Minute))), "Hydra", DepartureStatus.Scheduled, t.Capacity, t.Available)).ToList();
        Listing = new IndexModel(departures: null!, content: null!, calendar, display) { Destination = "Hydra", Date = day.ToString("yyyy-MM-dd"), PageContext = PageContext, Url = Url };
        // IndexModel fills these only from the database in OnGetAsync (private setters); set them the same way, from memory.
        Set(nameof(IndexModel.Today), calendar.Today);
        Set(nameof(IndexModel.Day), day);
        Set(nameof(IndexModel.Destinations), (IReadOnlyList<string>)Destinations);
        Set(nameof(IndexModel.Departures), (IReadOnlyList<DepartureListing>)departures);
        Set(nameof(IndexModel.QuickPicks), (IReadOnlyList<QuickPick>)
        [
            new QuickPick("Today", calendar.Today, 1, false),
            new QuickPick("Tomorrow", day, 1, true),
            new QuickPick("This weekend", calendar.Today.AddDays(((int)DayOfWeek.Saturday - (int)calendar.Today.DayOfWeek + 7) % 7), 2, false),
        ]);
        // Razor finds the partials inside _DepartureList from the page's folder: render as the listing page so they resolve there.
        RouteData.Values["page"] = "/Departures/Index";
        return Page();
    }

    private void Set<T>(string property, T value) => typeof(IndexModel).GetProperty(property)!.SetValue(Listing, value);
}
