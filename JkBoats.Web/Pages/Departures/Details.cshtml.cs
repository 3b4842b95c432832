using JkBoats.Data;
using JkBoats.Data.Content;
using JkBoats.Data.Departures;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Departures;

public sealed class DetailsModel(DepartureRepository departures, ContentRepository content, OperatorCalendar calendar) : PageModel
{
    public DepartureListing Departure { get; private set; } = null!;

    public DateTime LocalTime { get; private set; }

    /// <summary>The destination's description in the visitor's language (else the default language's), or null.</summary>
    public string? Description { get; private set; }

    private string _destination = "";

    public SeatView Seats { get; private set; } = null!;

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public bool Cancelled => Departure.Status == DepartureStatus.Cancelled;

    /// <summary>Why the operator cancelled it, for a cancelled departure.</summary>
    public string? CancellationReason { get; private set; }

    /// <summary>For a cancelled departure: the next bookable ones to the same destination.</summary>
    public IReadOnlyList<DepartureListing> Alternatives { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Cancelled)
        {
            CancellationReason = await departures.CancellationReasonAsync(id, ct);
            Alternatives = await departures.NextToAsync(_destination, calendar.UtcNow, id, 3, ct);
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
        var texts = await content.ForAsync(Languages.Current, ct);
        _destination = departure.Destination;
        Description = texts.DestinationDescription(departure.Destination);
        Departure = texts.Apply(departure);
        LocalTime = calendar.ToLocal(departure.DepartureTime);
        Seats = new SeatView(departure.DepartureId, departure.AvailableSeats, departure.Capacity,
            departure.IsBookable(calendar.UtcNow), Cancelled: departure.Status == DepartureStatus.Cancelled);
        return true;
    }
}
