using JkBoats.Data;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Data.Schedule;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Departures;

public sealed class EditModel(ScheduleRepository schedule, ScheduleInput input, SeatInventory inventory, DeskRepository desk, OperatorCalendar calendar) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    public IReadOnlyList<BoatRow> Boats { get; private set; } = [];

    public Guid BoatId { get; private set; }

    public string? Destination { get; private set; }

    public string? Date { get; private set; }

    public string? Time { get; private set; }

    public string? Price { get; private set; }

    public List<string> Errors { get; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var local = calendar.ToLocal(Departure.DepartureTime);
        (Destination, Date, Time, Price) = (Departure.Destination, local.ToString("yyyy-MM-dd"), local.ToString("HH:mm"), Departure.PricePerSeat.ToString("0.00"));
        BoatId = await schedule.BoatOfAsync(id, ct) ?? Guid.Empty;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, Guid boatId, string? destination, string? date, string? time, string? price, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        (BoatId, Destination, Date, Time, Price) = (boatId, destination, date, time, price);
        var where = input.Destination(destination, Errors);
        var amount = input.Price(price, Errors);
        var day = input.Date(date, "Date", Errors);
        var at = input.Time(time, "Time", Errors);
        if (Errors.Count > 0)
        {
            return Page();
        }
        if (input.DepartureTime(day!.Value, at!.Value, Errors, unchanged: Departure.DepartureTime) is not { } utc)
        {
            return Page();
        }
        var outcome = await inventory.EditDepartureAsync(id, new DepartureEdit(utc, amount!.Value, boatId, where!) { ChangedBy = User.Actor() }, ct);
        switch (outcome.Result)
        {
            case ScheduleResult.Done:
                TempData["Flash"] = $"Departure saved: {outcome.Booked} of {outcome.NewCapacity} seats booked.";
                return RedirectToPage("/Staff/Admin/Departures/Index");
            case ScheduleResult.CapacityTooSmall:
                Errors.Add($"That boat has {outcome.NewCapacity} seats, but {outcome.Booked} are already booked on this departure. Move or cancel bookings first, or pick a bigger boat.");
                break;
            case ScheduleResult.PersonsTooMany:
                Errors.Add($"That boat may carry {outcome.NewCapacity} persons, but {outcome.Booked} are already booked on this departure (infants included). Move or cancel bookings first, or pick a bigger boat.");
                break;
            case ScheduleResult.Duplicate:
                Errors.Add("That boat already has a departure at that time.");
                break;
            case ScheduleResult.BoatUnavailable:
                Errors.Add("That boat is retired or does not exist.");
                break;
            case ScheduleResult.NotFound:
                return NotFound();
            default:
                Errors.Add("The departure is busy right now; please try again.");
                break;
        }
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        Boats = await schedule.ListBoatsAsync(ct);
        return true;
    }
}
