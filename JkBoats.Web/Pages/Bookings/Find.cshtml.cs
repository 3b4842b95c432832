using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace JkBoats.Web.Pages.Bookings;

/// <summary>Look bookings up by email or phone. Rate-limited; shows booking facts only.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class FindModel(BookingRepository bookings, BookingValidator validator, OperatorCalendar calendar) : PageModel
{
    public const string ContactField = "contact";

    [BindProperty(Name = "contact")]
    public string? Contact { get; set; }

    public string? Error { get; private set; }

    public IReadOnlyList<BookingSummary>? Results { get; private set; }

    public OperatorCalendar Calendar => calendar;

    public void OnGet()
    {
    }

    [EnableRateLimiting(AppSetup.LookupRateLimit)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var contact = Contact?.Trim();
        var byEmail = contact?.Contains('@') == true;
        var normalized = string.IsNullOrEmpty(contact) ? null : validator.NormalizeContact(contact);
        if (string.IsNullOrEmpty(contact))
        {
            Error = "Enter the email address or phone number you booked with.";
        }
        else if (normalized is null)
        {
            // Letters without an @ are neither: say both ways rather than call "hello" a bad phone number.
            Error = byEmail ? "Enter an email address like name@example.com."
                : contact.Any(char.IsLetter) ? "Enter the email address (like name@example.com) or the phone number you booked with."
                : "Enter a valid phone number, with the country code if it is not a US number.";
        }
        else
        {
            Results = byEmail
                ? await bookings.FindByEmailAsync(normalized, calendar.UtcNow, ct, Languages.Current)
                : await bookings.FindByPhoneAsync(normalized, calendar.UtcNow, ct, Languages.Current);
        }
        return this.PageOrFragment("_Lookup");
    }
}
