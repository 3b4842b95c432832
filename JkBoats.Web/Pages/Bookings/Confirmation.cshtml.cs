using JkBoats.Data;
using JkBoats.Data.Bookings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>The printable confirmation, keyed by the booking's unguessable id. Shows booking facts, not contact details.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ConfirmationModel(BookingRepository bookings, OperatorCalendar calendar) : PageModel
{
    public BookingConfirmation Booking { get; private set; } = null!;

    public DateTime LocalTime { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var booking = await bookings.GetAsync(id, ct);
        if (booking is null)
        {
            return NotFound();
        }
        Booking = booking;
        LocalTime = calendar.ToLocal(booking.DepartureTime);
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers["X-Robots-Tag"] = "noindex";
        return Page();
    }

    /// <summary>A QR code of the confirmation code, for check-in at the pier.</summary>
    public async Task<IActionResult> OnGetQrAsync(Guid id, CancellationToken ct)
    {
        var booking = await bookings.GetAsync(id, ct);
        if (booking is null)
        {
            return NotFound();
        }
        var png = PngByteQRCodeHelper.GetQRCode(booking.ConfirmationCode, QRCodeGenerator.ECCLevel.M, 8);
        return File(png, "image/png");
    }
}
