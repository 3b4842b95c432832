using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Departures;

/// <summary>Live seat counts for the cards on the departure list, swapped in out of band by a poll.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class SeatsModel(DepartureRepository departures, OperatorCalendar calendar) : PageModel
{
    public const int MaxIds = 100;

    public IReadOnlyList<SeatView> Seats { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "ids")] Guid[] ids, CancellationToken ct)
    {
        var now = calendar.UtcNow;
        var rows = await departures.GetSeatsAsync(ids.Distinct().Take(MaxIds).ToList(), ct);
        Seats = rows.Select(d => new SeatView(d.DepartureId, d.AvailableSeats, d.Capacity, d.IsBookable(now), OutOfBand: true)).ToList();
        return Page();
    }
}
