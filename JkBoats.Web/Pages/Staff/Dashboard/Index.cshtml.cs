using JkBoats.Data;
using JkBoats.Data.Desk;
using JkBoats.Data.Operations;
using JkBoats.Web.Operations;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Dashboard;

public sealed class IndexModel(
    DeskRepository desk, DashboardRepository dashboard, SeatInvariantWatchdog watchdog, OpsMetrics metrics, RequestLatency latency,
    OperatorCalendar calendar, Display display) : PageModel
{
    public const int Days = 30;
    public static readonly TimeSpan LatencySpan = TimeSpan.FromHours(1);
    public static readonly TimeSpan FreshCheck = TimeSpan.FromSeconds(15);

    public DateOnly Today { get; private set; }

    public IReadOnlyList<BoardRow> Departures { get; private set; } = [];

    public BarChart SoldPerDay { get; private set; } = null!;

    public BarChart BookedAhead { get; private set; } = null!;

    public IReadOnlyDictionary<string, long> Outcomes { get; private set; } = new Dictionary<string, long>();

    public long Attempts => Outcomes.Values.Sum();

    public long Succeeded => Outcomes.Where(o => Data.Operations.Outcomes.IsSuccess(o.Key)).Sum(o => o.Value);

    public double? SuccessRate => Attempts == 0 ? null : (double)Succeeded / Attempts;

    public OutboxHealth Email { get; private set; } = null!;

    public (double? Milliseconds, int Requests) BookingP95 { get; private set; }

    public (double? Milliseconds, int Requests) ListingP95 { get; private set; }

    public InvariantCheck? Invariant { get; private set; }

    public DateTime Now => calendar.UtcNow;

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return this.PageOrFragment("_Dashboard");
    }

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        await watchdog.CheckAsync(ct);
        return this.SeeOther(Url.Page("/Staff/Dashboard/Index")!);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Today = calendar.Today;
        Departures = await desk.BoardAsync(calendar.StartOfDayUtc(Today), calendar.StartOfDayUtc(Today.AddDays(1)), ct);
        SoldPerDay = BarChart.ForDays("sold-chart", "Seats sold per day, last 30 days", await dashboard.SeatsSoldPerDayAsync(Days, ct),
            day => Url.Page("/Staff/Dashboard/Sold", new { date = Display.Iso(day) })!, withCapacity: false, Today, display);
        BookedAhead = BarChart.ForDays("ahead-chart", "Seats booked ahead, next 30 days", await dashboard.BookedAheadAsync(Days, ct),
            day => Url.Page("/Staff/Board", new { date = Display.Iso(day) })!, withCapacity: true, Today, display);
        Outcomes = metrics.Recent.Last24Hours();
        Email = await dashboard.OutboxHealthAsync(ct);
        BookingP95 = latency.Booking.Percentile(95, LatencySpan);
        ListingP95 = latency.Listing.Percentile(95, LatencySpan);
        // A check a few seconds old is current enough; an older one is redone so the banner never shows stale news.
        Invariant = watchdog.Last is { } last && Now - last.CheckedAt.UtcDateTime < FreshCheck ? last : await watchdog.CheckAsync(ct);
    }

    public static string OutcomeName(string outcome) => outcome switch
    {
        Data.Operations.Outcomes.Confirmed => "Confirmed",
        Data.Operations.Outcomes.IdempotentReplay => "Repeated request (same booking returned)",
        Data.Operations.Outcomes.InsufficientCapacity => "Not enough seats",
        Data.Operations.Outcomes.ValidationError => "Invalid input",
        Data.Operations.Outcomes.NotFound => "Unknown departure",
        Data.Operations.Outcomes.DepartureClosed => "Departure left or cancelled",
        Data.Operations.Outcomes.IdempotencyKeyReused => "Idempotency key reused",
        Data.Operations.Outcomes.Busy => "Busy (lock timeout)",
        Data.Operations.Outcomes.SystemError => "System error",
        _ => outcome,
    };

    public string Age(DateTime? since)
    {
        if (since is null)
        {
            return "none waiting";
        }
        var age = Now - since.Value;
        return age.TotalMinutes < 1 ? $"{Math.Max(0, (int)age.TotalSeconds)} s" : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min" : $"{age.TotalHours:0.#} h";
    }
}
