using System.Text;
using System.Net.Mail;
using Microsoft.Extensions.Options;
using JkBoats.Data.Fares;
using PhoneNumbers;

namespace JkBoats.Data.Bookings;

public sealed record BookingInput(Guid? DepartureId, int? Seats, string? FullName, string? Email, string? Phone)
{
    /// <summary>Null: <see cref="Seats"/> adults, as bookings were before fares.</summary>
    public IReadOnlyList<PassengerInput>? Passengers { get; init; }
}

public sealed record PassengerInput(string? Fare, string? FullName, int? BirthYear = null, string? Needs = null, string? NeedsNote = null);

/// <summary>A passenger that passed the rules; the first is the lead and always named.</summary>
public sealed record ValidPassenger(string Fare, string? FullName, int? BirthYear, string? Needs, string? NeedsNote);

/// <summary>Booking input that passed every rule, normalised (trimmed name, lower-case email, E.164 phone).
/// Only walk-ins booked at the desk may have no email.</summary>
public sealed record CustomerDetails(string FullName, string? Email, string Phone);

/// <summary><see cref="Seats"/> counts seat-taking passengers; without <see cref="Passengers"/> they are that many adults.</summary>
public sealed record ValidBooking(Guid DepartureId, int Seats, CustomerDetails Customer, IReadOnlyList<ValidPassenger>? Passengers = null)
{
    public int Persons => Passengers?.Count ?? Seats;
}

/// <summary>The server-side rules for booking input. Error keys are the JSON API's field paths.</summary>
public sealed class BookingValidator(IOptions<JkBoatsOptions> options, TimeProvider? clock = null)
{
    public const string PassengersField = "passengers";
    public const string DepartureField = "departure_id";
    public const string SeatsField = "seats_requested";
    public const string FullNameField = "customer.full_name";
    public const string EmailField = "customer.email";
    public const string PhoneField = "customer.phone";

    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxNeedsNoteLength = 200;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public int MaxSeats => options.Value.MaxSeatsPerBooking;

    public bool AllNamesRequired => options.Value.RequireAllPassengerNames;

    /// <summary>Seat-takers and infants together: each infant sits on the lap of someone with a seat.</summary>
    public int MaxPassengers => 2 * MaxSeats;

    public static string PassengerField(int index, string field) => $"passengers[{index}].{field}";

    /// <param name="fares">The fare types, to resolve a passenger list's fares (only needed when it has one).</param>
    /// <param name="allNames">Every passenger must be named, not only the lead (online, when the operator requires it).</param>
    /// <param name="phoneRequired">False at the desk: a walk-in standing at the counter may give no phone (stored empty).</param>
    public ValidBooking? Validate(BookingInput input, IDictionary<string, string[]> errors, bool emailRequired = true,
        IReadOnlyList<FareType>? fares = null, bool? allNames = null, bool phoneRequired = true)
    {
        if (input.DepartureId is null || input.DepartureId == Guid.Empty)
        {
            errors[DepartureField] = ["Choose a departure."];
        }

        var name = ValidateName(input.FullName, errors);
        var email = emailRequired || !string.IsNullOrWhiteSpace(input.Email) ? ValidateEmail(input.Email, errors) : null;
        var phone = phoneRequired || !string.IsNullOrWhiteSpace(input.Phone) ? ValidatePhone(input.Phone, errors) : "";

        var seats = input.Seats;
        IReadOnlyList<ValidPassenger>? passengers = null;
        if (input.Passengers is { } list)
        {
            (passengers, var seatTakers) = ValidatePassengers(list, fares ?? [], name, allNames ?? options.Value.RequireAllPassengerNames, errors);
            if (seatTakers is { } counted && input.Seats is { } asked && asked != counted)
            {
                errors[SeatsField] = [$"seats_requested must equal the passengers who take a seat ({counted}), or be left out."];
            }
            seats = seatTakers;
        }
        else if (input.Seats is null)
        {
            errors[SeatsField] = ["Enter how many seats you need."];
        }
        else if (input.Seats < 1 || input.Seats > MaxSeats)
        {
            errors[SeatsField] = [$"Seats must be between 1 and {MaxSeats}."];
        }

        return errors.Count == 0
            ? new ValidBooking(input.DepartureId!.Value, seats!.Value, new CustomerDetails(name!, email, phone!), passengers)
            : null;
    }

    /// <summary>The passenger list's rules; returns the seat-takers counted, or null when the list itself is refused.</summary>
    private (IReadOnlyList<ValidPassenger>? Passengers, int? Seats) ValidatePassengers(
        IReadOnlyList<PassengerInput> list, IReadOnlyList<FareType> fares, string? leadName, bool allNames, IDictionary<string, string[]> errors)
    {
        if (list.Count == 0)
        {
            errors[PassengersField] = ["Add at least one passenger."];
            return (null, null);
        }
        if (list.Count > MaxPassengers)
        {
            errors[PassengersField] = [$"A booking may have at most {MaxPassengers} passengers."];
            return (null, null);
        }
        var thisYear = (clock ?? TimeProvider.System).GetUtcNow().Year;
        var valid = new List<ValidPassenger>(list.Count);
        var seats = 0;
        var laps = 0;
        var offered = string.Join(", ", fares.Where(f => f.IsActive).Select(f => f.Code));
        var fareRefused = false;
        for (var i = 0; i < list.Count; i++)
        {
            var p = list[i];
            var code = p.Fare?.Trim();
            var fare = fares.FirstOrDefault(f => f.IsActive && string.Equals(f.Code, code, StringComparison.Ordinal));
            if (fare is null)
            {
                fareRefused = true;
                errors[PassengerField(i, "fare")] = [string.IsNullOrEmpty(code)
                    ? $"Choose a fare: {offered}."
                    : $"There is no fare \"{Shorten(code)}\" on sale: choose one of {offered}."];
            }
            else if (fare.TakesSeat)
            {
                seats++;
            }
            else
            {
                laps++;
            }

            string? name = null;
            if (!string.IsNullOrWhiteSpace(p.FullName))
            {
                var field = new Dictionary<string, string[]>();
                name = ValidateName(p.FullName, field);
                if (field.Count > 0)
                {
                    errors[PassengerField(i, "full_name")] = [field[FullNameField][0].Replace("Full name", "Passenger name", StringComparison.Ordinal)];
                }
            }
            else if (i == 0)
            {
                name = leadName; // the lead passenger is the booker unless named otherwise
            }
            else if (allNames)
            {
                errors[PassengerField(i, "full_name")] = ["Enter this passenger's full name."];
            }

            if (p.BirthYear is { } year && (year < 1900 || year > thisYear))
            {
                errors[PassengerField(i, "birth_year")] = [$"Birth year must be between 1900 and {thisYear}."];
            }
            var needs = string.IsNullOrWhiteSpace(p.Needs) ? null : p.Needs.Trim();
            if (needs is not null && !PassengerNeeds.All.Contains(needs))
            {
                errors[PassengerField(i, "needs")] = [$"Needs must be one of {string.Join(", ", PassengerNeeds.All)}, or left out."];
            }
            var note = string.IsNullOrWhiteSpace(p.NeedsNote) ? null : p.NeedsNote.Trim();
            if (note is not null && (note.Length > MaxNeedsNoteLength || !PlainText.IsClean(note)))
            {
                errors[PassengerField(i, "needs_note")] = [note.Length > MaxNeedsNoteLength
                    ? $"Needs must be described in at most {MaxNeedsNoteLength} characters."
                    : InvisibleCharacters("The description of needs")];
            }
            valid.Add(new ValidPassenger(fare?.Code ?? "", name, p.BirthYear, needs, note?.Normalize(NormalizationForm.FormC)));
        }
        if (fareRefused)
        {
            return (null, null);
        }
        if (seats == 0)
        {
            errors[PassengersField] = ["At least one passenger must take a seat: an infant travels on the lap of someone with a seat."];
        }
        else if (seats > MaxSeats)
        {
            errors[PassengersField] = [$"A booking may have at most {MaxSeats} passengers who take a seat."];
        }
        else if (laps > seats)
        {
            errors[PassengersField] = [$"Each infant travels on the lap of a passenger with a seat: at most {seats} for {seats} seat(s)."];
        }
        return (valid, seats);
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

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

    public static string? ValidateEmail(string? raw, IDictionary<string, string[]> errors)
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

    public string? ValidatePhone(string? raw, IDictionary<string, string[]> errors)
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
