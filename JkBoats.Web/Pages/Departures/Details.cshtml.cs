using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Departures;

public sealed class DetailsModel(DepartureRepository departures, OperatorCalendar calendar) : PageModel
{
    public DepartureListing Departure { get; private set; } = null!;

    public DateTime LocalTime { get; private set; }

    public SeatView Seats { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        return Page();
    }

    public async Task<IActionResult> OnGetSeatsAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Response.Headers.CacheControl = "no-store";
        return this.PageOrFragment("_DepartureSeats", Seats);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await departures.GetAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        LocalTime = calendar.ToLocal(departure.DepartureTime);
        Seats = new SeatView(departure.DepartureId, departure.AvailableSeats, departure.Capacity,
            departure.IsBookable(calendar.UtcNow));
        return true;
    }
}
