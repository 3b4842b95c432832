using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using JkBoats.Data.Operator;
using QRCoder;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>The printable confirmation with the code and its QR: the ticket. It opens only with the booking's confirmation key
/// (in the link after booking and on the manage page); the id alone, as a look-up shows it, leads to <see cref="OpenModel"/>.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ConfirmationModel(BookingRepository bookings, ManageLinks links, OperatorCalendar calendar, OperatorRepository operatorDetails)
    : PageModel
{
    public OperatorDetails Operator { get; private set; } = null!;

    public BookingConfirmation Booking { get; private set; } = null!;

    public DateTime LocalTime { get; private set; }

    [BindProperty(SupportsGet = true, Name = "key")]
    public string? Key { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers["X-Robots-Tag"] = "noindex";
        if (!await links.IsConfirmationKeyAsync(id, Key, ct))
        {
            return RedirectToPage("/Bookings/Open", new { id });
        }
        var booking = await bookings.GetAsync(id, ct);
        if (booking is null)
        {
            return NotFound();
        }
        Booking = booking;
        LocalTime = calendar.ToLocal(booking.DepartureTime);
        Operator = await operatorDetails.CurrentAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetQrAsync(Guid id, CancellationToken ct)
    {
        var booking = await links.IsConfirmationKeyAsync(id, Key, ct) ? await bookings.GetAsync(id, ct) : null;
        if (booking is null || booking.Status != BookingStatus.Confirmed) // a cancelled booking is no ticket: no code to scan
        {
            return NotFound();
        }
        var png = PngByteQRCodeHelper.GetQRCode(booking.ConfirmationCode, QRCodeGenerator.ECCLevel.M, 8);
        return File(png, "image/png");
    }
}
