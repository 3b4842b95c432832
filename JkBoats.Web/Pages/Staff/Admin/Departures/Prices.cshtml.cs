using JkBoats.Data;
using JkBoats.Data.Fares;
using JkBoats.Data.Inventory;
using JkBoats.Data.Schedule;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Departures;

/// <summary>One departure's fare prices; the adult price is its price per seat. Bookings already made keep their prices.</summary>
public sealed class PricesModel(FareRepository fares, SeatInventory inventory) : PageModel
{
    public IReadOnlyList<PriceListRow> Prices { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Prices = await fares.DeparturePricesAsync(id, ct);
        return Prices.Count == 0 ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, Dictionary<Guid, string?> prices, CancellationToken ct)
    {
        Prices = await fares.DeparturePricesAsync(id, ct);
        if (Prices.Count == 0)
        {
            return NotFound();
        }
        var parsed = new Dictionary<Guid, decimal?>();
        foreach (var row in Prices)
        {
            prices.TryGetValue(row.FareTypeId, out var text);
            if (ScheduleInput.FarePrice(text, row.Name, Errors, out var price))
            {
                parsed[row.FareTypeId] = price;
            }
        }
        if (Errors.Count == 0)
        {
            var outcome = await inventory.SetDeparturePricesAsync(id, parsed, ct);
            switch (outcome.Result)
            {
                case ScheduleResult.Done:
                    TempData["Flash"] = "Prices saved for new bookings on this departure.";
                    return RedirectToPage("/Staff/Admin/Departures/Index");
                case ScheduleResult.NotFound:
                    return NotFound();
                case ScheduleResult.NothingToChange:
                    Errors.Add("The adult price is the price per seat: give it an amount above 0.");
                    break;
                default:
                    Errors.Add("The departure is busy right now; please try again.");
                    break;
            }
        }
        // Show what was typed, not what is stored.
        Prices = Prices.Select(r => r with { Price = parsed.GetValueOrDefault(r.FareTypeId) ?? r.Price }).ToList();
        return Page();
    }
}
