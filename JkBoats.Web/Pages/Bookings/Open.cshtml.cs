using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>Opens a booking's printable confirmation for someone who holds its whole code and the email or phone it was made
/// with: the way in from a look-up, which shows codes masked. Rate-limited like look-ups; a wrong pair says nothing more.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class OpenModel(BookingRepository bookings, BookingValidator validator, ManageLinks links) : PageModel
{
    public const string Mismatch = "That code and contact do not match this booking. Check both against your confirmation email.";

    [BindProperty(Name = "code")]
    public string? Code { get; set; }

    [BindProperty(Name = "contact")]
    public string? Contact { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
        Response.Headers["X-Robots-Tag"] = "noindex";
    }

    [EnableRateLimiting(AppSetup.LookupRateLimit)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        Response.Headers["X-Robots-Tag"] = "noindex";
        var code = Code?.Trim().ToUpperInvariant() ?? "";
        if (!code.StartsWith(ConfirmationCode.Prefix, StringComparison.Ordinal))
        {
            code = ConfirmationCode.Prefix + code;
        }
        var contact = Contact?.Trim();
        if (!ConfirmationCode.IsWellFormed(code))
        {
            Error = SiteText.T("Enter the whole confirmation code, like JKB-7QX4MZ.");
            return Page();
        }
        if (string.IsNullOrEmpty(contact))
        {
            Error = SiteText.T("Enter the email address or phone number you booked with.");
            return Page();
        }
        var given = validator.NormalizeContact(contact);
        var booking = given is null ? null : await bookings.GetAsync(id, ct);
        var matches = booking is not null
            && string.Equals(booking.ConfirmationCode, code, StringComparison.Ordinal)
            && (string.Equals(booking.Email, given, StringComparison.OrdinalIgnoreCase) || booking.Phone == given);
        if (!matches)
        {
            Error = SiteText.T(Mismatch);
            return Page();
        }
        return this.SeeOther(Url.Page("/Bookings/Confirmation", new { id, key = await links.ConfirmationKeyAsync(id, ct) })!);
    }
}
