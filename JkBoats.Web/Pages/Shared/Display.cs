using System.Globalization;
using JkBoats.Data;
using JkBoats.Web.Infrastructure;

namespace JkBoats.Web.Pages.Shared;

/// <summary>The one way the site writes money, days and times, in the operator's culture and currency
/// (<c>JkBoats:Locale</c>): pages, staff pages, print views and emails. One per app, from the dependency container;
/// every page has it as <c>Display</c> (see _ViewImports.cshtml), so <c>Display.Price(…)</c> reads the same in a view
/// whether the helper needs the locale (instance) or not (static). Machine-readable output (CSV, the API, form values,
/// <c>datetime</c> attributes) stays invariant and does not come through here.
/// On the customer site the words follow the visitor's language (see <see cref="SiteText"/>) and so do days and number
/// punctuation: a Greek page writes "Πέμπτη 3 Δεκεμβρίου" and "25,00 €" in the operator's currency; where the visitor's language
/// is the operator culture's own (or on staff pages and in the API, which are not localized) the operator culture is used.</summary>
public sealed class Display
{
    /// <summary>US English and dollars: the defaults of <see cref="LocaleOptions"/>.</summary>
    public static Display Default { get; } = new(new LocaleOptions());

    public Display(LocaleOptions locale)
    {
        OperatorCulture = LocaleFormat.Culture(locale.Culture);
        Currency = LocaleFormat.CurrencyCode(locale.Currency);
        _operator = (OperatorCulture, LocaleFormat.Money(OperatorCulture, Currency));
        foreach (var language in Languages.Supported)
        {
            var culture = language.Code == OperatorCulture.TwoLetterISOLanguageName ? OperatorCulture : CultureInfo.GetCultureInfo(language.Culture);
            _languages[language.Code] = (culture, LocaleFormat.Money(culture, Currency));
        }
    }

    private readonly (CultureInfo Culture, NumberFormatInfo Money) _operator;

    private readonly Dictionary<string, (CultureInfo Culture, NumberFormatInfo Money)> _languages = new(StringComparer.Ordinal);

    /// <summary>The operator's culture (<c>JkBoats:Locale:Culture</c>).</summary>
    public CultureInfo OperatorCulture { get; }

    /// <summary>The culture days and numbers are written in now: the current UI language's when it is a customer language,
    /// else (staff pages, the API, background work outside an email) the operator's.</summary>
    public CultureInfo Culture => Current.Culture;

    /// <summary>The ISO 4217 code of the operator's currency ("EUR").</summary>
    public string Currency { get; }

    /// <summary>The current culture's number format with the operator's currency symbol.</summary>
    public NumberFormatInfo Money => Current.Money;

    private (CultureInfo Culture, NumberFormatInfo Money) Current =>
        _languages.TryGetValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, out var language)
            ? language : _operator;

    public string Price(decimal amount) => amount.ToString("C", Money);

    public string PriceOrFree(decimal amount) => amount == 0 ? SiteText.T("Free") : Price(amount);

    public string Time(DateTime local) => local.ToString("HH:mm", Culture);

    /// <summary>"14:05:09": when a staff page was updated or checked.</summary>
    public string TimeWithSeconds(DateTime local) => local.ToString("HH:mm:ss", Culture);

    /// <summary>The one way the site writes a day ("Saturday 5 December"), alone, in a range or before a time.</summary>
    public const string DayFormat = "dddd d MMMM";

    public string Day(DateTime local) => local.ToString(DayFormat, Culture);

    public string LongDay(DateOnly day) => day.ToString(DayFormat, Culture);

    public string ShortDay(DateOnly day) => day.ToString(DayFormat, Culture);

    public string DayAndTime(DateTime local) => local.ToString(DayFormat + ", HH:mm", Culture);

    /// <summary>"Saturday 5 December 2026": a staff page's day, where the year may not be this one.</summary>
    public string DayWithYear(DateOnly day) => day.ToString(DayFormat + " yyyy", Culture);

    /// <summary>"Saturday 5 December 2026, 09:00": a departure at the head of a staff or print page.</summary>
    public string DayWithYearAndTime(DateTime local) => local.ToString(DayFormat + " yyyy, HH:mm", Culture);

    /// <summary>"5 December 2026".</summary>
    public string Date(DateOnly day) => day.ToString("d MMMM yyyy", Culture);

    /// <summary>"5 Dec 2026".</summary>
    public string ShortDate(DateOnly day) => day.ToString("d MMM yyyy", Culture);

    /// <summary>"Sat 5 Dec": a day under a chart's bar.</summary>
    public string ShortWeekday(DateOnly day) => day.ToString("ddd d MMM", Culture);

    /// <summary>"5 Dec": a day on a chart's axis.</summary>
    public string DayMonth(DateOnly day) => day.ToString("d MMM", Culture);

    /// <summary>"Sat 5 Dec 09:00": a departure in a staff list.</summary>
    public string ShortDateTime(DateTime local) => local.ToString("ddd d MMM HH:mm", Culture);

    /// <summary>"Sat 5 Dec 2026 09:00": a departure in a staff list that may run past the year's end.</summary>
    public string ShortDateTimeWithYear(DateTime local) => local.ToString("ddd d MMM yyyy HH:mm", Culture);

    /// <summary>"5 Dec 09:00": when something happened (a payment, an email).</summary>
    public string Stamp(DateTime local) => local.ToString("d MMM HH:mm", Culture);

    /// <summary>"5 Dec 09:00:07": a booking's history, where several lines fall in one minute.</summary>
    public string StampWithSeconds(DateTime local) => local.ToString("d MMM HH:mm:ss", Culture);

    /// <summary>"5 Dec 2026 09:00": when a booking was made.</summary>
    public string StampWithYear(DateTime local) => local.ToString("d MMM yyyy HH:mm", Culture);

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } when span.TotalDays % 1 == 0 => SiteText.T("{0} days", span.TotalDays.ToString("0", CultureInfo.InvariantCulture)),
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => span.TotalHours == 1
            ? SiteText.T("1 hour") : SiteText.T("{0} hours", span.TotalHours.ToString("0", CultureInfo.InvariantCulture)),
        _ => SiteText.T("{0} minutes", Math.Round(span.TotalMinutes).ToString("0", CultureInfo.InvariantCulture)),
    };

    /// <summary>A booking's balance in one phrase for staff: "Owes $20.00", "Paid in full", "Refund due $50.00", "Nothing to pay".</summary>
    public string Balance(JkBoats.Data.Payments.Balance balance) => balance switch
    {
        { Owed: > 0 } => $"Owes {Price(balance.Owed)}",
        { RefundDue: > 0 } => $"Refund due {Price(balance.RefundDue)}",
        { Due: 0, Net: 0 } => "Nothing to pay",
        _ => "Paid in full",
    };

    /// <summary>The same phrase for the customer: what is left to pay at the pier, paid, or owed back to them.</summary>
    public string CustomerBalance(JkBoats.Data.Payments.Balance balance) => balance switch
    {
        { Owed: > 0, Net: 0 } => SiteText.T("To pay at the desk or on boarding: {0}", Price(balance.Owed)),
        { Owed: > 0 } => SiteText.T("Paid {0}; still to pay: {1}", Price(balance.Net), Price(balance.Owed)),
        { RefundDue: > 0 } => SiteText.T("Refund due to you: {0}", Price(balance.RefundDue)),
        { Due: 0, Net: 0, Refunded: > 0 } => SiteText.T("Nothing to pay; {0} refunded", Price(balance.Refunded)),
        { Due: 0, Net: 0 } => SiteText.T("Nothing to pay"),
        _ => SiteText.T("Paid in full ({0})", Price(balance.Net)),
    };

    public static string Seats(int count) => count == 1 ? SiteText.T("1 seat") : SiteText.T("{0} seats", count);

    /// <summary>"Adult × 2, Child × 1, Infant × 1": a booking's passengers counted per fare, in the fares' order, without names.</summary>
    public static string FareCounts(IEnumerable<JkBoats.Data.Bookings.BookedPassenger> passengers) =>
        string.Join(", ", passengers.GroupBy(p => p.FareName).Select(g => $"{g.Key} × {g.Count()}"));

    /// <summary>A passenger's name, or where it was left out the booker's for the lead and "Passenger N" for the others.</summary>
    public static string PassengerName(JkBoats.Data.Bookings.BookedPassenger passenger, string leadName) =>
        passenger.FullName ?? (passenger.Position == 1 ? leadName : SiteText.T("Passenger {0}", passenger.Position));

    public const int FewSeats = 5;

    public static string SeatsLeft(int available) => available switch
    {
        <= 0 => SiteText.T("Sold out"),
        <= FewSeats => SiteText.T("Only {0} left", available),
        _ => SiteText.T("{0} seats left", available),
    };

    /// <summary>Enough of an email address for its owner to recognise it, not enough to harvest it.</summary>
    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? SiteText.T("your email address") : $"{email[0]}•••{email[at..]}";
    }
}

/// <summary>Reads and checks <c>JkBoats:Locale</c>: a culture .NET knows and an ISO 4217 currency, independent of each other
/// (en-GB with EUR writes "€25.00", el-GR with EUR "25,00 €").</summary>
public static class LocaleFormat
{
    /// <summary>Symbols for common currencies; any other ISO 4217 code is written as the code itself ("25.00 PLN" in en-GB reads "PLN25.00").</summary>
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£", ["CHF"] = "CHF", ["JPY"] = "¥", ["CNY"] = "¥", ["INR"] = "₹",
        ["AUD"] = "A$", ["CAD"] = "CA$", ["NZD"] = "NZ$", ["HKD"] = "HK$", ["SGD"] = "S$", ["MXN"] = "MX$", ["BRL"] = "R$",
        ["SEK"] = "kr", ["NOK"] = "kr", ["DKK"] = "kr", ["ISK"] = "kr", ["PLN"] = "zł", ["CZK"] = "Kč", ["HUF"] = "Ft",
        ["TRY"] = "₺", ["ILS"] = "₪", ["KRW"] = "₩", ["THB"] = "฿", ["ZAR"] = "R", ["RON"] = "lei", ["BGN"] = "лв.",
    };

    /// <summary>Every currency of a region .NET knows, plus the ones above: what counts as an ISO 4217 code here.</summary>
    private static readonly Lazy<HashSet<string>> KnownCurrencies = new(() =>
    {
        var codes = new HashSet<string>(Symbols.Keys, StringComparer.Ordinal);
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            try
            {
                codes.Add(new RegionInfo(culture.Name).ISOCurrencySymbol);
            }
            catch (ArgumentException)
            {
                // A culture without a region of its own.
            }
        }
        return codes;
    });

    public static CultureInfo Culture(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidOperationException("JkBoats:Locale:Culture is empty: set a culture name such as en-US, en-GB or el-GR.");
        }
        try
        {
            return CultureInfo.GetCultureInfo(name.Trim(), predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            throw new InvalidOperationException($"JkBoats:Locale:Culture is \"{name}\", which is not a culture this system knows (like en-US, en-GB or el-GR).");
        }
    }

    public static string CurrencyCode(string? code)
    {
        var trimmed = code?.Trim().ToUpperInvariant() ?? "";
        if (trimmed.Length != 3 || !trimmed.All(char.IsAsciiLetter) || !KnownCurrencies.Value.Contains(trimmed))
        {
            throw new InvalidOperationException(
                $"JkBoats:Locale:Currency is \"{code}\", which is not an ISO 4217 currency code (three letters, like EUR, USD or GBP).");
        }
        return trimmed;
    }

    /// <summary>The culture's number format with <paramref name="currency"/>'s symbol; the culture's own symbol when its region
    /// uses that currency (en-US with USD, el-GR with EUR). Always two decimals, as every price in the app has.</summary>
    public static NumberFormatInfo Money(CultureInfo culture, string currency)
    {
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        if (RegionCurrency(culture) != currency)
        {
            format.CurrencySymbol = Symbols.GetValueOrDefault(currency, currency);
        }
        format.CurrencyDecimalDigits = 2;
        return NumberFormatInfo.ReadOnly(format);
    }

    /// <summary>A problem with the settings, in words for the start-up error; null when they are usable.</summary>
    public static string? Problem(LocaleOptions locale)
    {
        try
        {
            _ = new Display(locale);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private static string? RegionCurrency(CultureInfo culture)
    {
        try
        {
            return culture.IsNeutralCulture || culture.Name.Length == 0 ? null : new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
