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
        if (string.IsNullOrEmpty(contact))
        {
            Error = "Enter the email address or phone number you booked with.";
        }
        else if (contact.Contains('@'))
        {
            var email = BookingValidator.NormalizeEmail(contact);
            if (email is null)
            {
                Error = "Enter an email address like name@example.com.";
            }
            else
            {
                Results = await bookings.FindByEmailAsync(email, calendar.UtcNow, ct);
            }
        }
        else
        {
            var phone = validator.NormalizePhone(contact);
            if (phone is null)
            {
                Error = "Enter a valid phone number, with the country code if it is not a US number.";
            }
            else
            {
                Results = await bookings.FindByPhoneAsync(phone, calendar.UtcNow, ct);
            }
        }
        return this.PageOrFragment("_Lookup");
    }
}
