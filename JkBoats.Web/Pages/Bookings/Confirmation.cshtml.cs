using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using JkBoats.Data.Operator;
using JkBoats.Data.Payments;
using JkBoats.Web.Email;
using JkBoats.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>The printable confirmation with the code and its QR: the ticket. It opens only with the booking's confirmation key
/// (in the link after booking and on the manage page); the id alone, as a look-up shows it, leads to <see cref="OpenModel"/>.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ConfirmationModel(
    BookingRepository bookings, ManageLinks links, OperatorCalendar calendar, OperatorRepository operatorDetails, IOptions<EmailOptions> emailOptions,
    PaymentRepository payments, JkBoats.Data.Content.ContentRepository content)
    : PageModel
{
    public Balance Balance { get; private set; } = new(0, 0, 0);

    public OperatorDetails Operator { get; private set; } = null!;

    public BookingConfirmation Booking { get; private set; } = null!;

    public DateTime LocalTime { get; private set; }

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    /// <summary>The departure was cancelled and the booking waits for the customer's choice: no ticket, a link to choose.</summary>
    public WeatherChoiceOffer? WeatherChoice { get; private set; }

    public string? ManagePath { get; private set; }

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
        Booking = (await content.ForAsync(Languages.Current, ct)).Apply(booking);
        LocalTime = calendar.ToLocal(booking.DepartureTime);
        Operator = await operatorDetails.CurrentAsync(Languages.Current, ct);
        Balance = await payments.BalanceAsync(booking.BookingId, ct) ?? Balance;
        WeatherChoice = booking.Status == BookingStatus.Confirmed ? await bookings.WeatherChoiceAsync(booking.BookingId, calendar.UtcNow, ct) : null;
        if (WeatherChoice is not null)
        {
            ManagePath = (await links.UrlForAsync(booking.BookingId, ct)).AbsolutePath;
        }
        return Page();
    }

    /// <summary>"Add to calendar": the trip as an .ics file, for a confirmed booking and with the confirmation key only.</summary>
    public async Task<IActionResult> OnGetCalendarAsync(Guid id, CancellationToken ct)
    {
        if (await TicketAsync(id, ct) is not { } booking)
        {
            return NotFound();
        }
        var ics = BookingCalendar.For(booking, await operatorDetails.CurrentAsync(ct), await links.UrlForAsync(id, ct),
            BookingEmails.DomainOf(emailOptions.Value.From));
        return File(ics, $"{BookingCalendar.ContentType}; charset=utf-8", BookingCalendar.FileName(booking));
    }

    public async Task<IActionResult> OnGetQrAsync(Guid id, CancellationToken ct)
    {
        if (await TicketAsync(id, ct) is not { } booking)
        {
            return NotFound();
        }
        return File(TicketQr.Png(booking.ConfirmationCode), TicketQr.MediaType);
    }

    /// <summary>The booking as a ticket (QR code, calendar file): only with its confirmation key and only while confirmed; a
    /// cancelled booking is no ticket.</summary>
    private async Task<BookingConfirmation?> TicketAsync(Guid id, CancellationToken ct) =>
        await links.IsConfirmationKeyAsync(id, Key, ct) && await bookings.GetAsync(id, ct) is { Status: BookingStatus.Confirmed } booking
            ? booking
            : null;
}
