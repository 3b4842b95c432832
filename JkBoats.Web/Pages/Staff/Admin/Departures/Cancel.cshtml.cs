using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Departures;

/// <summary>Weather cancellation: every booking is cancelled, or all of them move to one departure with room, in one transaction.</summary>
public sealed class CancelModel(SeatInventory inventory, DeskRepository desk, DepartureRepository departures, OperatorCalendar calendar) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    public IReadOnlyList<DepartureListing> Targets { get; private set; } = [];

    public string? Reason { get; private set; }

    public List<string> Errors { get; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, string? reason, Guid? moveTo, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Reason = reason?.Trim();
        if (string.IsNullOrEmpty(Reason) || Reason.Length > 500 || !PlainText.IsClean(Reason))
        {
            Errors.Add("Give a reason (up to 500 characters, no invisible or direction characters); customers will see it.");
            return Page();
        }
        if (!ModelState.IsValid)
        {
            // A move target that is not a departure id must never fall back to "cancel them all".
            Errors.Add("Pick a departure from the list, or cancel them all. Nothing was changed.");
            return Page();
        }
        var (outcome, _) = await inventory.CancelDepartureAsync(id, Reason, moveTo, User.Actor(), ct);
        switch (outcome.Result)
        {
            case ScheduleResult.Done:
                TempData["Flash"] = moveTo is null
                    ? $"Departure cancelled: {outcome.Count} bookings cancelled, {outcome.Booked} seats released."
                    : $"Departure cancelled: {outcome.Count} bookings ({outcome.Booked} seats) moved.";
                return RedirectToPage("/Staff/Departures/Manifest", new { id });
            case ScheduleResult.NothingToChange:
                Errors.Add("This departure is already cancelled.");
                break;
            case ScheduleResult.TargetTooSmall:
                Errors.Add($"That departure has only {outcome.NewCapacity} seats free; {outcome.Booked} are needed. Nothing was changed.");
                break;
            case ScheduleResult.TargetNotBookable:
                Errors.Add("That departure cannot take bookings any more. Nothing was changed.");
                break;
            case ScheduleResult.PersonsTooMany:
                Errors.Add($"That departure may carry only {outcome.NewCapacity} more persons; {outcome.Booked} are booked here (infants included). Nothing was changed.");
                break;
            case ScheduleResult.FareNotSold:
                Errors.Add("That departure does not sell every fare booked here (set its prices first). Nothing was changed.");
                break;
            default:
                Errors.Add("The departures are busy right now; please try again. Nothing was changed.");
                break;
        }
        await LoadAsync(id, ct);
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
        var now = calendar.UtcNow;
        Targets = (await departures.SearchAsync(new DepartureSearch(null, now, now.AddDays(7), 200), ct, ReadFrom.Primary))
            .Where(d => d.DepartureId != id && d.AvailableSeats >= departure.SoldSeats && d.AvailableSeats > 0)
            .Take(20)
            .ToList();
        return true;
    }
}
