using JkBoats.Data;
using JkBoats.Data.Inventory;
using JkBoats.Data.Schedule;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Departures;

public sealed class RecurringModel(ScheduleRepository schedule, ScheduleInput input, OperatorCalendar calendar) : PageModel
{
    public const int MaxDays = 366;

    public static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    [BindProperty] public Guid BoatId { get; set; }

    [BindProperty] public string? Destination { get; set; }

    [BindProperty] public string? Price { get; set; }

    [BindProperty] public string? From { get; set; }

    [BindProperty] public string? To { get; set; }

    [BindProperty] public string? Times { get; set; }

    [BindProperty] public List<DayOfWeek> Days { get; set; } = [];

    public IReadOnlyList<BoatRow> Boats { get; private set; } = [];

    public IReadOnlyList<PlannedDeparture>? Preview { get; private set; }

    public List<string> Errors { get; } = [];

    public string TimeZoneName => calendar.TimeZone.Id;

    public async Task OnGetAsync(CancellationToken ct)
    {
        (From, To, Times, Days) = (calendar.Today.AddDays(1).ToString("yyyy-MM-dd"), calendar.Today.AddDays(28).ToString("yyyy-MM-dd"), "09:00", [.. Week]);
        Boats = await schedule.ListBoatsAsync(ct);
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        Boats = await schedule.ListBoatsAsync(ct);
        var plan = ReadPlan();
        if (plan is not null)
        {
            Preview = await schedule.PreviewAsync(plan, ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        Boats = await schedule.ListBoatsAsync(ct);
        var plan = ReadPlan();
        if (plan is null)
        {
            return Page();
        }
        var outcome = await schedule.CreateRecurringAsync(plan, ct);
        if (outcome.Result == ScheduleResult.BoatUnavailable)
        {
            Errors.Add("That boat is retired or does not exist.");
            return Page();
        }
        TempData["Flash"] = $"{outcome.Count} departures created.";
        return RedirectToPage("/Staff/Admin/Departures/Index");
    }

    private RecurringPlan? ReadPlan()
    {
        var destination = input.Destination(Destination, Errors);
        var price = input.Price(Price, Errors);
        var from = input.Date(From, "From", Errors);
        var to = input.Date(To, "To", Errors);
        var times = (Times ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => input.Time(t, $"Time \"{t}\"", Errors)).ToList();
        if (times.Count is 0 or > 24)
        {
            Errors.Add("Times: between 1 and 24 times, e.g. 08:00, 13:30.");
        }
        if (Days.Count == 0)
        {
            Errors.Add("Pick at least one day of the week.");
        }
        if (from is not null && to is not null && (to < from || to.Value.DayNumber - from.Value.DayNumber > MaxDays))
        {
            Errors.Add($"The range must run forwards and span at most {MaxDays} days.");
        }
        if (from is not null && input.StartsInThePast(from.Value))
        {
            Errors.Add("The range cannot start in the past.");
        }
        return Errors.Count > 0
            ? null
            : new RecurringPlan(BoatId, destination!, price!.Value, from!.Value, to!.Value, Days.ToHashSet(), times.Select(t => t!.Value).ToList());
    }
}
