using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Data.Schedule;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Departures;

public sealed class IndexModel(ScheduleRepository schedule, ScheduleInput input, DeskRepository desk, DepartureRepository departures, OperatorCalendar calendar) : PageModel
{
    public const int Days = 14;

    public sealed record FormValues(string? Destination, string? Price, string? Date, string? Time);

    public IReadOnlyList<BoatRow> Boats { get; private set; } = [];

    public IReadOnlyList<BoardRow> Departures { get; private set; } = [];

    public IReadOnlyList<string> Destinations { get; private set; } = [];

    public FormValues Form { get; private set; } = new(null, null, null, null);

    public List<string> Errors { get; } = [];

    public string TimeZoneName => calendar.TimeZone.Id;

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public DateTime Now => calendar.UtcNow;

    /// <summary>The form is for today at 09:00 (the operator's time), also right after adding a departure: the next one starts afresh.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        Form = new FormValues(null, null, calendar.Today.ToString("yyyy-MM-dd"), "09:00");
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid boatId, string? destination, string? price, string? date, string? time, CancellationToken ct)
    {
        Form = new FormValues(destination, price, date, time);
        var where = input.Destination(destination, Errors);
        var amount = input.Price(price, Errors);
        var day = input.Date(date, "Date", Errors);
        var at = input.Time(time, "Time", Errors);
        if (Errors.Count == 0)
        {
            if (input.DepartureTime(day!.Value, at!.Value, Errors) is { } utc)
            {
                var outcome = await schedule.CreateDepartureAsync(boatId, utc, where!, amount!.Value, ct);
                switch (outcome.Result)
                {
                    case ScheduleResult.Done:
                        TempData["Flash"] = "Departure added.";
                        return RedirectToPage();
                    case ScheduleResult.Duplicate:
                        Errors.Add("That boat already has a departure at that time.");
                        break;
                    default:
                        Errors.Add("That boat is retired or does not exist.");
                        break;
                }
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Boats = await schedule.ListBoatsAsync(ct);
        Destinations = await departures.ListDestinationsAsync(calendar.UtcNow.AddDays(-365), ct, ReadFrom.Primary);
        var from = calendar.StartOfDayUtc(calendar.Today);
        Departures = await desk.BoardAsync(from, calendar.StartOfDayUtc(calendar.Today.AddDays(Days)), ct);
    }
}
