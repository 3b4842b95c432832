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
}
