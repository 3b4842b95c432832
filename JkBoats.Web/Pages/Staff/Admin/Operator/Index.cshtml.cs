using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Operator;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Operator;

/// <summary>The operator's details every customer sees (footer, confirmation, manage page, emails): admins edit them here.</summary>
public sealed class IndexModel(OperatorRepository operatorDetails, BookingValidator validator) : PageModel
{
    public const int MaxArriveBeforeMinutes = 240;

    [BindProperty] public string? Name { get; set; }

    [BindProperty] public string? Phone { get; set; }

    [BindProperty] public string? Email { get; set; }

    [BindProperty] public string? PierAddress { get; set; }

    [BindProperty] public string? MapUrl { get; set; }

    [BindProperty] public string? OpeningHours { get; set; }

    /// <summary>Text, not a number: a value that does not read as minutes is refused with a message, never bound as 0.</summary>
    [BindProperty] public string? ArriveBeforeMinutes { get; set; }

    [BindProperty] public string? CancellationPolicy { get; set; }

    public Dictionary<string, string> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var d = await operatorDetails.CurrentAsync(ct);
        (Name, Phone, Email, PierAddress, MapUrl, OpeningHours, CancellationPolicy) =
            (d.Name, d.Phone, d.Email, d.PierAddress, d.MapUrl, d.OpeningHours, d.CancellationPolicy);
        ArriveBeforeMinutes = ((int)d.ArriveBefore.TotalMinutes).ToString(CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var details = Validate();
        if (details is null)
        {
            return Page();
        }
        await operatorDetails.SaveAsync(details, User.Actor(), ct);
        TempData["Flash"] = "Operator details saved: the site and new emails show them now.";
        return RedirectToPage();
    }

    private OperatorDetails? Validate()
    {
        var name = Text(nameof(Name), Name, 100, "the operator's name");
        var found = new Dictionary<string, string[]>();
        var phone = validator.ValidatePhone(Phone, found);
        var email = BookingValidator.ValidateEmail(Email, found);
        if (found.TryGetValue(BookingValidator.PhoneField, out var phoneError))
        {
            Errors[nameof(Phone)] = phoneError[0].Replace("your phone number", "the desk's phone number", StringComparison.Ordinal);
        }
        if (found.TryGetValue(BookingValidator.EmailField, out var emailError))
        {
            Errors[nameof(Email)] = emailError[0].Replace("your email address", "the desk's email address", StringComparison.Ordinal);
        }
        var pier = Text(nameof(PierAddress), PierAddress, 300, "the pier's address");
        var hours = Text(nameof(OpeningHours), OpeningHours, 300, "the opening hours");
        var policy = Text(nameof(CancellationPolicy), CancellationPolicy, 1000, "the cancellation policy");
        string? map = null;
        if (!string.IsNullOrWhiteSpace(MapUrl))
        {
            if (MapUrl.Trim().Length <= 500 && Uri.TryCreate(MapUrl.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
            {
                map = uri.AbsoluteUri;
            }
            else
            {
                Errors[nameof(MapUrl)] = "Enter the map link as a whole https:// address of up to 500 characters, or leave it empty.";
            }
        }
        int? minutes = int.TryParse(ArriveBeforeMinutes?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m <= MaxArriveBeforeMinutes
            ? m : null;
        if (minutes is null)
        {
            Errors[nameof(ArriveBeforeMinutes)] = $"Enter the minutes before departure as a whole number from 0 to {MaxArriveBeforeMinutes}.";
        }
        return Errors.Count > 0 ? null
            : new OperatorDetails(name!, phone!, email!, pier!, map, hours!, TimeSpan.FromMinutes(minutes!.Value), policy!);
    }

    private string? Text(string field, string? raw, int max, string what)
    {
        var text = raw?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > max || !PlainText.IsClean(text))
        {
            Errors[field] = $"Enter {what} in up to {max} characters, without invisible or direction characters.";
            return null;
        }
        return text;
    }
}
