using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Payments;
using JkBoats.Data.Reports;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Pages.Staff.Dashboard;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Reports;

/// <summary>One breakdown table: a line per day, destination, boat or fare, and the period's totals under it.</summary>
public sealed record BreakdownTable(string Id, string Title, string NameHeader, string BookingsHeader, IReadOnlyList<ReportLine> Lines,
    ReportFigures Totals, string CsvHref, bool NamesOnOneLine = false);

/// <summary>Revenue, bookings, seats and persons over a period of the operator's calendar, by the day each boat leaves; occupancy per
/// departure; money collected at the desk. Every breakdown downloads as a formula-safe CSV.</summary>
public sealed class IndexModel(ReportRepository reports, OperatorCalendar calendar, Display display) : PageModel
{
    public const int DefaultDays = 30;
    public const int PageSize = 50;
    public const int CsvRowLimit = 20_000;
    public const int ChartedDestinations = 12;
    private const string DateFormat = "yyyy-MM-dd";
    private const int FirstYear = 2000;
    private const int LastYear = 2100;

    public static readonly string[] Breakdowns = ["day", "destination", "boat", "fare", "occupancy", "collected"];

    public string From { get; private set; } = "";

    public string To { get; private set; } = "";

    public List<string> Errors { get; } = [];

    public ReportPeriod? Period { get; private set; }

    public SalesReport? Sales { get; private set; }

    public IReadOnlyList<BreakdownTable> Tables { get; private set; } = [];

    public BarChart? RevenuePerDay { get; private set; }

    public BarChart? RevenuePerDestination { get; private set; }

    public IReadOnlyList<OccupancyRow> Occupancy { get; private set; } = [];

    public int OccupancyTotal { get; private set; }

    public int OccupancyPage { get; private set; } = 1;

    public int OccupancyPages => Math.Max(1, (OccupancyTotal + PageSize - 1) / PageSize);

    public IReadOnlyList<CollectedRow> Collected { get; private set; } = [];

    public string TimeZoneName => calendar.TimeZone.Id;

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(string? from, string? to, string? occupancyPage, CancellationToken ct)
    {
        if (ReadPeriod(from, to) is not { } period)
        {
            return Refused();
        }
        Period = period;
        Sales = await reports.SalesAsync(period, ct);
        Tables = BuildTables(Sales);
        RevenuePerDay = ChartPerDay(Sales);
        RevenuePerDestination = ChartPerDestination(Sales);
        // A page number that does not read shows the first page; one past the end shows the last.
        OccupancyPage = int.TryParse(occupancyPage, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted)
            ? Math.Clamp(wanted, 1, int.MaxValue / PageSize) : 1;
        (Occupancy, OccupancyTotal) = await reports.OccupancyAsync(period, (OccupancyPage - 1) * PageSize, PageSize, ct);
        if (Occupancy.Count == 0 && OccupancyPage > OccupancyPages)
        {
            OccupancyPage = OccupancyPages;
            (Occupancy, OccupancyTotal) = await reports.OccupancyAsync(period, (OccupancyPage - 1) * PageSize, PageSize, ct);
        }
        Collected = await reports.CollectedAsync(period, ct);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string? from, string? to, string? breakdown, CancellationToken ct)
    {
        var period = ReadPeriod(from, to);
        if (breakdown is null || !Breakdowns.Contains(breakdown))
        {
            Errors.Add($"Choose what to download: {string.Join(", ", Breakdowns)}.");
        }
        if (period is null || Errors.Count > 0)
        {
            return Refused();
        }
        var csv = breakdown switch
        {
            "occupancy" => OccupancyCsv(await reports.OccupancyAsync(period, 0, CsvRowLimit, ct)),
            "collected" => CollectedCsv(await reports.CollectedAsync(period, ct)),
            _ => SalesCsv(breakdown!, await reports.SalesAsync(period, ct)),
        };
        return File(csv, "text/csv; charset=utf-8", $"jkboats-{breakdown}-{Display.Iso(period.From)}-to-{Display.Iso(period.To)}.csv");
    }

    public string CsvHref(string breakdown) =>
        Url.Page("/Staff/Admin/Reports/Index", "Csv", new { from = Display.Iso(Period!.From), to = Display.Iso(Period.To), breakdown })!;

    public string PageHref(int number) =>
        Url.Page("/Staff/Admin/Reports/Index", new { from = Display.Iso(Period!.From), to = Display.Iso(Period.To), occupancyPage = number })! + "#occupancy";

    private IActionResult Refused()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>Missing ends default to the last <see cref="DefaultDays"/> days up to today; anything else must read as a date.</summary>
    private ReportPeriod? ReadPeriod(string? from, string? to)
    {
        From = from?.Trim() ?? "";
        To = to?.Trim() ?? "";
        var toDay = ReadDay(To, "To", calendar.Today);
        var fromDay = ReadDay(From, "From", toDay?.AddDays(1 - DefaultDays) ?? calendar.Today.AddDays(1 - DefaultDays));
        if (fromDay is null || toDay is null)
        {
            return null;
        }
        var period = new ReportPeriod(fromDay.Value, toDay.Value);
        if (period.To < period.From)
        {
            Errors.Add($"The period ends before it starts: choose a To date on or after {Display.Iso(period.From)}.");
        }
        else if (period.Days > ReportRepository.MaxDays)
        {
            Errors.Add($"Choose a period of at most {ReportRepository.MaxDays} days; this one has {period.Days}.");
        }
        if (Errors.Count > 0)
        {
            return null;
        }
        From = Display.Iso(period.From);
        To = Display.Iso(period.To);
        return period;
    }

    private DateOnly? ReadDay(string text, string field, DateOnly otherwise)
    {
        if (text.Length == 0)
        {
            return otherwise;
        }
        if (!DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            Errors.Add($"{field}: write the date as year-month-day, e.g. {Display.Iso(calendar.Today)}.");
            return null;
        }
        if (day.Year is < FirstYear or > LastYear)
        {
            Errors.Add($"{field}: choose a date from {FirstYear} to {LastYear}.");
            return null;
        }
        return day;
    }

    private IReadOnlyList<BreakdownTable> BuildTables(SalesReport sales) =>
    [
        new("by-day", "By day", "Day", "Bookings",
            sales.Days.Select(d => new ReportLine(Display.Iso(d.Day), display.ShortDay(d.Day), d.Figures)).ToList(), sales.Totals, CsvHref("day"),
            NamesOnOneLine: true),
        new("by-destination", "By destination", "Destination", "Bookings", sales.Destinations, sales.Totals, CsvHref("destination")),
        new("by-boat", "By boat", "Boat", "Bookings", sales.Boats, sales.Totals, CsvHref("boat")),
        new("by-fare", "By fare", "Fare", "Bookings with this fare", sales.Fares, sales.Totals, CsvHref("fare")),
    ];

    private BarChart ChartPerDay(SalesReport sales) =>
        BarChart.ForDayAmounts("revenue-per-day", "Revenue per day",
            $"{display.Price(sales.Totals.Revenue)} from {display.ShortDay(sales.Period.From)} to {display.ShortDay(sales.Period.To)}, at most {display.Price(sales.Days.Max(d => d.Figures.Revenue))} in a day.",
            sales.Days.Select(d => new ChartPoint(Display.Iso(d.Day), display.ShortDay(d.Day), d.Figures.Revenue, display.Price(d.Figures.Revenue))
            {
                Day = d.Day,
            }).ToList(), TickText, display);

    private BarChart ChartPerDestination(SalesReport sales)
    {
        var shown = sales.Destinations.Take(ChartedDestinations).ToList();
        var rest = sales.Destinations.Count - shown.Count;
        var description = sales.Destinations.Count == 0
            ? "No departures in this period."
            : $"{display.Price(sales.Totals.Revenue)} over {sales.Destinations.Count} destination{(sales.Destinations.Count == 1 ? "" : "s")}"
              + (rest > 0 ? $"; the {ChartedDestinations} that took most are drawn, all are in the table below." : ".");
        return BarChart.ForNamedAmounts("revenue-per-destination", "Revenue per destination", description, "Destination",
            shown.Select(l => new ChartPoint(l.Key, l.Name, l.Figures.Revenue, display.Price(l.Figures.Revenue))).ToList(), TickText);
    }

    /// <summary>Axis numbers stay short (the plot's margin is narrow); the money itself is written by <see cref="Display.Price(decimal)"/>.</summary>
    private static string TickText(decimal value) =>
        value >= 1000 ? (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k" : value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Whole(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string? Percent(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture);

    private static string[] FigureCells(ReportFigures f) => [Money(f.Revenue), Whole(f.Bookings), Whole(f.Seats), Whole(f.Persons), Whole(f.Cancelled)];

    private static readonly string[] FigureHeader = ["revenue", "bookings", "seats", "persons", "cancelled_bookings"];

    private static byte[] SalesCsv(string breakdown, SalesReport sales)
    {
        var lines = breakdown switch
        {
            "day" => sales.Days.Select(d => new ReportLine(Display.Iso(d.Day), Display.Iso(d.Day), d.Figures)).ToList(),
            "destination" => sales.Destinations,
            "boat" => sales.Boats,
            _ => sales.Fares,
        };
        return CsvFile.Build([breakdown, .. FigureHeader], lines.Select(l => (IReadOnlyList<string?>)[l.Name, .. FigureCells(l.Figures)]));
    }

    private byte[] OccupancyCsv((IReadOnlyList<OccupancyRow> Rows, int Total) occupancy) =>
        CsvFile.Build(["departure_time", "destination", "boat", "status", "seats_sold", "capacity", "seat_percent", "persons", "max_persons", "person_percent"],
            occupancy.Rows.Select(r => (IReadOnlyList<string?>)
            [
                Local(r.DepartureTime).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), r.Destination, r.BoatName, r.Status.Name(),
                Whole(r.SeatsSold), Whole(r.Capacity), Percent(r.SeatPercent), Whole(r.Persons), Whole(r.MaxPersons), Percent(r.PersonPercent),
            ]));

    private static byte[] CollectedCsv(IReadOnlyList<CollectedRow> rows) =>
        CsvFile.Build(["day", "method", "payments", "refunds", "net"],
            rows.Select(r => (IReadOnlyList<string?>)[Display.Iso(r.Day), r.Method, Money(r.Payments), Money(r.Refunds), Money(r.Net)]));

    public static string MethodName(string method) => PaymentMethod.Label(method);
}
