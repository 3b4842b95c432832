using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>The page behind the secret link in the confirmation email: the booking, read-only.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ManageModel(ManageLinks links, BookingRepository bookings, OperatorCalendar calendar) : PageModel
{
    public BookingConfirmation Booking { get; private set; } = null!;

    public DateTime LocalDeparture { get; private set; }

    public string TimeZoneId => calendar.TimeZone.Id;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        // The token is a secret: keep it out of Referer headers and search engines.
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers["X-Robots-Tag"] = "noindex";
        var bookingId = await links.ReadAsync(token, ct);
        var booking = bookingId is { } id ? await bookings.GetAsync(id, ct) : null;
        if (booking is null)
        {
            return NotFound();
        }
        Booking = booking;
        LocalDeparture = calendar.ToLocal(booking.DepartureTime);
        return Page();
    }
}
