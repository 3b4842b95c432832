using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Data.Till;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JkBoats.Web.Pages.Staff.Till;

public sealed class IndexModel(TillRepository tills, StaffRepository staff, OperatorCalendar calendar, Display display) : TillPageModel(tills, staff, calendar)
{
    public const string CountedField = "CountedCash";

    public const string NoteField = "Note";

    [BindProperty] public string? CountedCash { get; set; }

    [BindProperty] public string? Note { get; set; }

    public Dictionary<string, string> Errors { get; } = [];

    /// <summary>Every till of the day, for admins.</summary>
    public IReadOnlyList<TillAgentSummary> Everyone { get; private set; } = [];

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public async Task<IActionResult> OnGetAsync(string? day, string? agent, CancellationToken ct)
    {
        if (await LoadAsync(day, agent, ct) is { } refusal)
        {
            return refusal;
        }
        await LoadEveryoneAsync(ct);
        if (DayError is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }

    [EnableRateLimiting(Security.TillRateLimit)]
    public async Task<IActionResult> OnPostAsync(string? day, string? agent, CancellationToken ct)
    {
        if (await LoadAsync(day, agent, ct) is { } refusal)
        {
            return refusal;
        }
        var counted = TillCount.Parse(CountedCash, out var countedError);
        var note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim();
        if (countedError is not null)
        {
            Errors[CountedField] = countedError;
        }
        if (TillCount.NoteError(note) is { } noteError)
        {
            Errors[NoteField] = noteError;
        }
        if (DayError is not null)
        {
            Errors[CountedField] = "Nothing was recorded: " + DayError;
        }
        else if (Day > Today)
        {
            Errors[CountedField] = $"{display.LongDay(Day)} has not started yet; a till is closed on its day or later.";
        }
        if (Errors.Count > 0 || counted is null)
        {
            await LoadEveryoneAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var close = await Tills.CloseAsync(Till.StaffEmail, Day, counted.Value, note, User.Actor(), ct);
        TempData["Flash"] = $"Till closed for {display.LongDay(Day)}: counted {display.Price(close.CountedCash)}, expected "
            + $"{display.Price(close.ExpectedCash)}, {Difference(close.Difference, display)}.";
        return RedirectToPage("/Staff/Till/Index", new { day = Display.Iso(Day), agent = Agent });
    }

    private async Task LoadEveryoneAsync(CancellationToken ct)
    {
        if (IsAdmin)
        {
            Everyone = await Tills.DaySummaryAsync(Day, ct);
        }
    }
}
