using JkBoats.Data;
using JkBoats.Web.Pages.Shared;

namespace JkBoats.Tests.Pages;

/// <summary>The formatter on its own: money per culture and currency (independent of each other), days and times per culture,
/// and settings it cannot use refused with the setting's name.</summary>
public sealed class FormattingTests
{
    /// <summary>ICU puts no-break spaces (U+00A0, U+202F) between amount and symbol; the tests read them as spaces.</summary>
    private static string Plain(string text) => text.Replace('\u00A0', ' ').Replace('\u202F', ' ');

    private static Display For(string culture, string currency) => new(new LocaleOptions { Culture = culture, Currency = currency });

    [Theory]
    [InlineData("en-US", "USD", "$1,234.50")]
    [InlineData("en-GB", "EUR", "€1,234.50")]
    [InlineData("en-US", "EUR", "€1,234.50")]
    [InlineData("en-GB", "GBP", "£1,234.50")]
    [InlineData("el-GR", "EUR", "1.234,50 €")]
    [InlineData("de-DE", "EUR", "1.234,50 €")]
    [InlineData("de-DE", "USD", "1.234,50 $")]
    [InlineData("en-GB", "usd", "$1,234.50")]
    [InlineData("en-GB", "KES", "KES1,234.50")]
    public void Money_is_written_in_the_cultures_form_with_the_currencys_symbol(string culture, string currency, string expected) =>
        Assert.Equal(expected, Plain(For(culture, currency).Price(1234.5m)));

    [Fact]
    public void The_defaults_are_us_dollars_and_prices_keep_two_decimals()
    {
        Assert.Equal("USD", Display.Default.Currency);
        Assert.Equal("en-US", Display.Default.Culture.Name);
        Assert.Equal("$25.00", Display.Default.Price(25m));
        Assert.Equal("Free", Display.Default.PriceOrFree(0m));
        Assert.Equal("€0.50", For("en-GB", "EUR").Price(0.5m));
    }

    [Fact]
    public void Balances_are_written_in_the_operators_currency()
    {
        var balance = new JkBoats.Data.Payments.Balance(Due: 50m, Paid: 30m, Refunded: 0m);
        Assert.Equal("Owes €20.00", For("en-GB", "EUR").Balance(balance));
        Assert.Equal("Paid 30,00 €; still to pay: 20,00 €", Plain(For("el-GR", "EUR").CustomerBalance(balance)));
    }

    [Theory]
    [InlineData("en-US", "Saturday 5 December", "Saturday 5 December, 09:05", "Sat 5 Dec 09:05")]
    [InlineData("en-GB", "Saturday 5 December", "Saturday 5 December, 09:05", "Sat 5 Dec 09:05")]
    [InlineData("el-GR", "Σάββατο 5 Δεκεμβρίου", "Σάββατο 5 Δεκεμβρίου, 09:05", "Σάβ 5 Δεκ 09:05")]
    [InlineData("de-DE", "Samstag 5 Dezember", "Samstag 5 Dezember, 09:05", "Sa 5 Dez. 09:05")]
    public void Days_and_times_are_written_in_the_cultures_names(string culture, string day, string dayAndTime, string shortDateTime)
    {
        var display = For(culture, "EUR");
        var local = new DateTime(2026, 12, 5, 9, 5, 7);
        Assert.Equal(day, display.LongDay(DateOnly.FromDateTime(local)));
        Assert.Equal(day, display.Day(local));
        Assert.Equal(dayAndTime, display.DayAndTime(local));
        Assert.Equal(shortDateTime, display.ShortDateTime(local));
        Assert.Equal("09:05", display.Time(local));
        Assert.Equal("09:05:07", display.TimeWithSeconds(local));
    }

    [Fact]
    public void Staff_stamps_keep_their_short_forms()
    {
        var display = For("en-GB", "EUR");
        var local = new DateTime(2026, 12, 5, 9, 5, 7);
        Assert.Equal("5 Dec 09:05", display.Stamp(local));
        Assert.Equal("5 Dec 09:05:07", display.StampWithSeconds(local));
        Assert.Equal("5 Dec 2026 09:05", display.StampWithYear(local));
        Assert.Equal("Saturday 5 December 2026", display.DayWithYear(DateOnly.FromDateTime(local)));
        Assert.Equal("Saturday 5 December 2026, 09:05", display.DayWithYearAndTime(local));
        Assert.Equal("Sat 5 Dec 2026 09:05", display.ShortDateTimeWithYear(local));
        Assert.Equal("5 December 2026", display.Date(DateOnly.FromDateTime(local)));
        Assert.Equal("5 Dec 2026", display.ShortDate(DateOnly.FromDateTime(local)));
        // Machine-readable days stay ISO whatever the culture.
        Assert.Equal("2026-12-05", Display.Iso(DateOnly.FromDateTime(local)));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("EURO")]
    [InlineData("")]
    [InlineData("€")]
    public void An_unknown_currency_is_refused_naming_the_setting(string currency)
    {
        var problem = LocaleFormat.Problem(new LocaleOptions { Currency = currency });
        Assert.NotNull(problem);
        Assert.StartsWith($"JkBoats:Locale:Currency is \"{currency}\", which is not an ISO 4217 currency code", problem);
    }

    [Theory]
    [InlineData("xx-QQ")]
    [InlineData("not a culture")]
    [InlineData("")]
    public void An_unknown_culture_is_refused_naming_the_setting(string culture)
    {
        var problem = LocaleFormat.Problem(new LocaleOptions { Culture = culture });
        Assert.NotNull(problem);
        Assert.StartsWith("JkBoats:Locale:Culture is ", problem);
    }

    [Fact]
    public void Known_settings_pass() =>
        Assert.Null(LocaleFormat.Problem(new LocaleOptions { Culture = "el-GR", Currency = "EUR" }));
}
