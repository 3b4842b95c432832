using JkBoats.Data;
using JkBoats.Data.Bookings;
using Microsoft.Extensions.Options;

namespace JkBoats.Tests.Data;

public sealed class BookingRulesTests
{
    private readonly BookingValidator _validator = new(Options.Create(new JkBoatsOptions { DefaultPhoneRegion = "US", MaxSeatsPerBooking = 10 }));

    [Fact]
    public void Confirmation_codes_use_only_the_unambiguous_alphabet()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => ConfirmationCode.New()).ToList();

        Assert.All(codes, code => Assert.True(ConfirmationCode.IsWellFormed(code), code));
        Assert.DoesNotContain(codes.SelectMany(c => c[4..]), c => "0O1IL".Contains(c));
        Assert.True(codes.Distinct().Count() > 1990, "codes should be random");
    }

    [Theory]
    [InlineData("+1 415 555 0132", "+14155550132")]
    [InlineData("(415) 555-0132", "+14155550132")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    public void Phone_numbers_are_normalised_to_E164(string typed, string expected) =>
        Assert.Equal(expected, _validator.NormalizePhone(typed));

    [Theory]
    [InlineData("+1234567890")]
    [InlineData("12")]
    [InlineData("+1 415 555\u0000 0132")]
    [InlineData("phone")]
    public void Impossible_phone_numbers_are_rejected(string typed) => Assert.Null(_validator.NormalizePhone(typed));

    [Fact]
    public void A_valid_booking_is_trimmed_and_normalised()
    {
        var errors = new Dictionary<string, string[]>();
        var departureId = Guid.NewGuid();

        var booking = _validator.Validate(new BookingInput(departureId, 3, "  Zoë Ångström ", " Zoe@Example.COM ", "415-555-0132"), errors);

        Assert.Empty(errors);
        Assert.Equal(new ValidBooking(departureId, 3, new CustomerDetails("Zoë Ångström", "zoe@example.com", "+14155550132")), booking);
    }

    [Fact]
    public void Every_broken_field_is_reported_at_once()
    {
        var errors = new Dictionary<string, string[]>();

        var booking = _validator.Validate(new BookingInput(null, 11, "", "nope", ""), errors);

        Assert.Null(booking);
        Assert.Equal(
            new[] { BookingValidator.DepartureField, BookingValidator.SeatsField, BookingValidator.FullNameField, BookingValidator.EmailField, BookingValidator.PhoneField }.Order(),
            errors.Keys.Order());
    }

    [Theory]
    [InlineData("Robert\u0000Tables")]
    [InlineData("Line\nBreak")]
    public void Names_with_control_characters_are_rejected(string name)
    {
        var errors = new Dictionary<string, string[]>();

        BookingValidator.ValidateName(name, errors);

        Assert.True(errors.ContainsKey(BookingValidator.FullNameField));
    }

    [Fact]
    public void A_name_with_a_lone_surrogate_is_rejected()
    {
        var errors = new Dictionary<string, string[]>();
        var broken = "Ann" + (char)0xD800 + "e";

        BookingValidator.ValidateName(broken, errors);

        Assert.True(errors.ContainsKey(BookingValidator.FullNameField));
    }

    [Fact]
    public void A_name_over_two_hundred_characters_is_rejected()
    {
        var errors = new Dictionary<string, string[]>();

        BookingValidator.ValidateName(new string('a', 201), errors);

        Assert.True(errors.ContainsKey(BookingValidator.FullNameField));
    }

    private static readonly IReadOnlyList<JkBoats.Data.Fares.FareType> Fares =
    [
        new(Guid.NewGuid(), "adult", "Adult", null, true, 10, true),
        new(Guid.NewGuid(), "infant", "Infant", null, false, 40, true),
    ];

    [Fact]
    public void Only_the_lead_passenger_must_be_named_unless_the_operator_requires_every_name()
    {
        var input = new BookingInput(Guid.NewGuid(), null, "Ana Doe", "ana@example.com", "+14155550132")
        {
            Passengers = [new PassengerInput("adult", null), new PassengerInput("adult", null), new PassengerInput("infant", "Mia Doe")],
        };
        var strict = new BookingValidator(Options.Create(new JkBoatsOptions { RequireAllPassengerNames = true }));

        var relaxed = _validator.Validate(input, new Dictionary<string, string[]>(), fares: Fares);
        var errors = new Dictionary<string, string[]>();
        var refused = strict.Validate(input, errors, fares: Fares);

        Assert.Equal(["Ana Doe", null, "Mia Doe"], relaxed!.Passengers!.Select(p => p.FullName));
        Assert.Equal((2, 3), (relaxed.Seats, relaxed.Persons));
        Assert.Null(refused);
        Assert.Equal(["passengers[1].full_name"], errors.Keys);
    }
}
