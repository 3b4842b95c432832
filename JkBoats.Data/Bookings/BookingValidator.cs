using System.Text;
using System.Net.Mail;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace JkBoats.Data.Bookings;

public sealed record BookingInput(Guid? DepartureId, int? Seats, string? FullName, string? Email, string? Phone);

/// <summary>Booking input that passed every rule, normalised (trimmed name, lower-case email, E.164 phone).
/// Only walk-ins booked at the desk may have no email.</summary>
public sealed record CustomerDetails(string FullName, string? Email, string Phone);

public sealed record ValidBooking(Guid DepartureId, int Seats, CustomerDetails Customer);

/// <summary>The server-side rules for booking input. Error keys are the JSON API's field paths.</summary>
public sealed class BookingValidator(IOptions<JkBoatsOptions> options)
{
    public const string DepartureField = "departure_id";
    public const string SeatsField = "seats_requested";
    public const string FullNameField = "customer.full_name";
    public const string EmailField = "customer.email";
    public const string PhoneField = "customer.phone";

    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public int MaxSeats => options.Value.MaxSeatsPerBooking;

    public ValidBooking? Validate(BookingInput input, IDictionary<string, string[]> errors, bool emailRequired = true)
    {
        if (input.DepartureId is null || input.DepartureId == Guid.Empty)
        {
            errors[DepartureField] = ["Choose a departure."];
        }

        if (input.Seats is null)
        {
            errors[SeatsField] = ["Enter how many seats you need."];
        }
        else if (input.Seats < 1 || input.Seats > MaxSeats)
        {
            errors[SeatsField] = [$"Seats must be between 1 and {MaxSeats}."];
        }

        var name = ValidateName(input.FullName, errors);
        var email = emailRequired || !string.IsNullOrWhiteSpace(input.Email) ? ValidateEmail(input.Email, errors) : null;
        var phone = ValidatePhone(input.Phone, errors);

        return errors.Count == 0
            ? new ValidBooking(input.DepartureId!.Value, input.Seats!.Value, new CustomerDetails(name!, email, phone!))
            : null;
    }

    public static string? ValidateName(string? raw, IDictionary<string, string[]> errors)
    {
        var name = raw?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors[FullNameField] = ["Enter your full name."];
            return null;
        }
        if (name.Length > MaxNameLength)
        {
            errors[FullNameField] = [$"Full name must be at most {MaxNameLength} characters."];
            return null;
        }
        if (!PlainText.IsClean(name))
        {
            errors[FullNameField] = [InvisibleCharacters("Full name")];
            return null;
        }
        return name.Normalize(NormalizationForm.FormC);
    }

    public static string InvisibleCharacters(string field) =>
        $"{field} must not contain invisible, direction or control characters.";

    public static string? NormalizeEmail(string? raw)
    {
        // NFKC, so fullwidth letters and ligatures (ｆull@, ﬁle@) are the same address as their plain spelling.
        var email = raw is null ? null : PlainText.Fold(raw.Trim());
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength || !PlainText.IsClean(email) || email.Any(char.IsWhiteSpace))
        {
            return null;
        }
        if (!MailAddress.TryCreate(email, out var address) || address.Address != email || address.DisplayName.Length > 0)
        {
            return null;
        }
        var at = email.LastIndexOf('@');
        var domain = email[(at + 1)..];
        if (at < 1 || !domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains(".."))
        {
            return null;
        }
        return email.ToLowerInvariant();
    }

    /// <summary>What a customer types to find a booking: an email when it has an @, else a phone; null when it is neither.</summary>
    public string? NormalizeContact(string contact) => contact.Contains('@') ? NormalizeEmail(contact) : NormalizePhone(contact);

    public string? NormalizePhone(string? raw)
    {
        var text = raw?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 32 || text.Any(char.IsControl))
        {
            return null;
        }
        try
        {
            var number = Phones.Parse(text, options.Value.DefaultPhoneRegion);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string? ValidateEmail(string? raw, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors[EmailField] = ["Enter your email address."];
            return null;
        }
        var email = NormalizeEmail(raw);
        if (email is null)
        {
            errors[EmailField] = [raw.Trim().Length > MaxEmailLength
                ? $"Email must be at most {MaxEmailLength} characters."
                : "Enter an email address like name@example.com."];
        }
        return email;
    }

    private string? ValidatePhone(string? raw, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors[PhoneField] = ["Enter your phone number."];
            return null;
        }
        var phone = NormalizePhone(raw);
        if (phone is null)
        {
            errors[PhoneField] = ["Enter a valid phone number, with the country code if it is not a local number (e.g. +1 415 555 0132)."];
        }
        return phone;
    }
}
