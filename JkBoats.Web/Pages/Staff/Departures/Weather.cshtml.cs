using JkBoats.Data;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

/// <summary>A weather morning's progress: who has chosen what, who waits (those without email first, with phones to call), and the
/// default applied to the rest, at the deadline by the sweeper or now by hand.</summary>
public sealed class WeatherModel(DeskRepository desk, SeatInventory inventory, OperatorCalendar calendar) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    /// <summary>Null when the departure was cancelled without offering a choice.</summary>
    public WeatherPlanView? Plan { get; private set; }

    public IReadOnlyList<WeatherChoiceRow> Choices { get; private set; } = [];

    public int Waiting => Choices.Count(c => c.State == WeatherChoiceState.Waiting);

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    [TempData]
    public string? Flash { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDefaultAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct) || Plan is null)
        {
            return NotFound();
        }
        var outcome = await inventory.ApplyWeatherDefaultAsync(id, User.Actor(), ct);
        Flash = $"Default applied: {outcome.Moved} moved, {outcome.Cancelled} cancelled" +
            (outcome.Busy > 0 ? $"; {outcome.Busy} could not be done now (busy), apply again." : ".");
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        var (plan, choices) = await desk.WeatherProgressAsync(id, ct);
        Departure = departure;
        Plan = plan;
        Choices = choices;
        return true;
    }
}
