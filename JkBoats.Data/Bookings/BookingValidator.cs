using System.Globalization;
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

/// <summary>Writes a message from its English template and arguments: <see cref="BookingTexts.English"/> for the API and the
/// desk, a translating one (the site's <c>SiteText.T</c>) for the customer site.</summary>
public delegate string MessageFormat(string template, params object[] args);

/// <summary>The English templates of the booking rules' messages (the key of their translations on the site).</summary>
public static class BookingTexts
{
    public static readonly MessageFormat English = (template, args) => string.Format(CultureInfo.InvariantCulture, template, args);

    public const string ChooseDeparture = "Choose a departure.";
    public const string SeatsMustEqualPassengers = "seats_requested must equal the passengers who take a seat ({0}), or be left out.";
    public const string EnterSeats = "Enter how many seats you need.";
    public const string SeatsBetween = "Seats must be between 1 and {0}.";
    public const string AddPassenger = "Add at least one passenger.";
    public const string MostPassengers = "A booking may have at most {0} passengers.";
    public const string ChooseFare = "Choose a fare: {0}.";
    public const string NoSuchFare = "There is no fare \"{0}\" on sale: choose one of {1}.";
    public const string PassengerNameTooLong = "Passenger name must be at most {0} characters.";
    public const string PassengerNameInvisible = "Passenger name must not contain invisible, direction or control characters.";
    public const string EnterPassengerName = "Enter this passenger's full name.";
    public const string BirthYearBetween = "Birth year must be between 1900 and {0}.";
    public const string NeedsOneOf = "Needs must be one of {0}, or left out.";
    public const string NeedsNoteTooLong = "Needs must be described in at most {0} characters.";
    public const string NeedsNoteInvisible = "The description of needs must not contain invisible, direction or control characters.";
    public const string OneSeatTaker = "At least one passenger must take a seat: an infant travels on the lap of someone with a seat.";
    public const string MostSeatTakers = "A booking may have at most {0} passengers who take a seat.";
    public const string InfantsPerSeat = "Each infant travels on the lap of a passenger with a seat: at most {0} for {0} seat(s).";
    public const string EnterFullName = "Enter your full name.";
    public const string FullNameTooLong = "Full name must be at most {0} characters.";
    public const string FullNameInvisible = "Full name must not contain invisible, direction or control characters.";
    public const string EnterEmail = "Enter your email address.";
    public const string EmailTooLong = "Email must be at most {0} characters.";
    public const string EmailLike = "Enter an email address like name@example.com.";
    public const string EnterPhone = "Enter your phone number.";
    public const string ValidPhone = "Enter a valid phone number, with the country code if it is not a local number (e.g. +1 415 555 0132).";
}

/// <summary>The server-side rules for booking input. Error keys are the JSON API's field paths; messages are English unless
/// the caller passes a translating <see cref="MessageFormat"/>.</summary>
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
    /// <param name="text">Writes the messages (English when null).</param>
    public ValidBooking? Validate(BookingInput input, IDictionary<string, string[]> errors, bool emailRequired = true,
        IReadOnlyList<FareType>? fares = null, bool? allNames = null, bool phoneRequired = true, MessageFormat? text = null)
    {
        text ??= BookingTexts.English;
        if (input.DepartureId is null || input.DepartureId == Guid.Empty)
        {
            errors[DepartureField] = [text(BookingTexts.ChooseDeparture)];
        }

        var name = ValidateName(input.FullName, errors, text);
        var email = emailRequired || !string.IsNullOrWhiteSpace(input.Email) ? ValidateEmail(input.Email, errors, text) : null;
        var phone = phoneRequired || !string.IsNullOrWhiteSpace(input.Phone) ? ValidatePhone(input.Phone, errors, text) : "";

        var seats = input.Seats;
        IReadOnlyList<ValidPassenger>? passengers = null;
        if (input.Passengers is { } list)
        {
            (passengers, var seatTakers) = ValidatePassengers(list, fares ?? [], name, allNames ?? options.Value.RequireAllPassengerNames, errors, text);
            if (seatTakers is { } counted && input.Seats is { } asked && asked != counted)
            {
                errors[SeatsField] = [text(BookingTexts.SeatsMustEqualPassengers, counted)];
            }
            seats = seatTakers;
        }
        else if (input.Seats is null)
        {
            errors[SeatsField] = [text(BookingTexts.EnterSeats)];
        }
        else if (input.Seats < 1 || input.Seats > MaxSeats)
        {
            errors[SeatsField] = [text(BookingTexts.SeatsBetween, MaxSeats)];
        }

        return errors.Count == 0
            ? new ValidBooking(input.DepartureId!.Value, seats!.Value, new CustomerDetails(name!, email, phone!), passengers)
            : null;
    }

    /// <summary>The passenger list's rules; returns the seat-takers counted, or null when the list itself is refused.</summary>
    private (IReadOnlyList<ValidPassenger>? Passengers, int? Seats) ValidatePassengers(
        IReadOnlyList<PassengerInput> list, IReadOnlyList<FareType> fares, string? leadName, bool allNames, IDictionary<string, string[]> errors,
        MessageFormat text)
    {
        if (list.Count == 0)
        {
            errors[PassengersField] = [text(BookingTexts.AddPassenger)];
            return (null, null);
        }
        if (list.Count > MaxPassengers)
        {
            errors[PassengersField] = [text(BookingTexts.MostPassengers, MaxPassengers)];
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
                    ? text(BookingTexts.ChooseFare, offered)
                    : text(BookingTexts.NoSuchFare, Shorten(code), offered)];
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
                name = ValidateName(p.FullName, PassengerField(i, "full_name"), errors, text, passenger: true);
            }
            else if (i == 0)
            {
                name = leadName; // the lead passenger is the booker unless named otherwise
            }
            else if (allNames)
            {
                errors[PassengerField(i, "full_name")] = [text(BookingTexts.EnterPassengerName)];
            }

            if (p.BirthYear is { } year && (year < 1900 || year > thisYear))
            {
                errors[PassengerField(i, "birth_year")] = [text(BookingTexts.BirthYearBetween, thisYear)];
            }
            var needs = string.IsNullOrWhiteSpace(p.Needs) ? null : p.Needs.Trim();
            if (needs is not null && !PassengerNeeds.All.Contains(needs))
            {
                errors[PassengerField(i, "needs")] = [text(BookingTexts.NeedsOneOf, string.Join(", ", PassengerNeeds.All))];
            }
            var note = string.IsNullOrWhiteSpace(p.NeedsNote) ? null : p.NeedsNote.Trim();
            if (note is not null && (note.Length > MaxNeedsNoteLength || !PlainText.IsClean(note)))
            {
                errors[PassengerField(i, "needs_note")] = [note.Length > MaxNeedsNoteLength
                    ? text(BookingTexts.NeedsNoteTooLong, MaxNeedsNoteLength)
                    : text(BookingTexts.NeedsNoteInvisible)];
            }
            valid.Add(new ValidPassenger(fare?.Code ?? "", name, p.BirthYear, needs, note?.Normalize(NormalizationForm.FormC)));
        }
        if (fareRefused)
        {
            return (null, null);
        }
        if (seats == 0)
        {
            errors[PassengersField] = [text(BookingTexts.OneSeatTaker)];
        }
        else if (seats > MaxSeats)
        {
            errors[PassengersField] = [text(BookingTexts.MostSeatTakers, MaxSeats)];
        }
        else if (laps > seats)
        {
            errors[PassengersField] = [text(BookingTexts.InfantsPerSeat, seats)];
        }
        return (valid, seats);
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

    public static string? ValidateName(string? raw, IDictionary<string, string[]> errors, MessageFormat? text = null) =>
        ValidateName(raw, FullNameField, errors, text ?? BookingTexts.English, passenger: false);

    private static string? ValidateName(string? raw, string field, IDictionary<string, string[]> errors, MessageFormat text, bool passenger)
    {
        var name = raw?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors[field] = [text(BookingTexts.EnterFullName)];
            return null;
        }
        if (name.Length > MaxNameLength)
        {
            errors[field] = [text(passenger ? BookingTexts.PassengerNameTooLong : BookingTexts.FullNameTooLong, MaxNameLength)];
            return null;
        }
        if (!PlainText.IsClean(name))
        {
            errors[field] = [text(passenger ? BookingTexts.PassengerNameInvisible : BookingTexts.FullNameInvisible)];
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

    public static string? ValidateEmail(string? raw, IDictionary<string, string[]> errors, MessageFormat? text = null)
    {
        text ??= BookingTexts.English;
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors[EmailField] = [text(BookingTexts.EnterEmail)];
            return null;
        }
        var email = NormalizeEmail(raw);
        if (email is null)
        {
            errors[EmailField] = [raw.Trim().Length > MaxEmailLength
                ? text(BookingTexts.EmailTooLong, MaxEmailLength)
                : text(BookingTexts.EmailLike)];
        }
        return email;
    }

    public string? ValidatePhone(string? raw, IDictionary<string, string[]> errors, MessageFormat? text = null)
    {
        text ??= BookingTexts.English;
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors[PhoneField] = [text(BookingTexts.EnterPhone)];
            return null;
        }
        var phone = NormalizePhone(raw);
        if (phone is null)
        {
            errors[PhoneField] = [text(BookingTexts.ValidPhone)];
        }
        return phone;
    }
}
