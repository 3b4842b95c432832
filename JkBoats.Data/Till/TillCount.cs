using System.Globalization;

namespace JkBoats.Data.Till;

/// <summary>The cash a person counted, as typed: digits with an optional decimal point and cents, thousands separators and a currency
/// sign allowed; never negative, never fractions of a cent, never more than the column holds.</summary>
public static class TillCount
{
    public const decimal Max = 99_999_999.99m;

    public const int NoteMaxLength = 500;

    public static decimal? Parse(string? typed, out string? error)
    {
        var text = (typed ?? "").Trim();
        // "$120.50" or "120.50 $" as much as "120.50"; a sign inside the number stays and is refused.
        text = text[text.TakeWhile(IsCurrencySign).Count()..];
        text = text[..(text.Length - text.Reverse().TakeWhile(IsCurrencySign).Count())].Trim();
        if (text.Length == 0)
        {
            error = "Enter the cash you counted, for example 125.50.";
            return null;
        }
        const NumberStyles styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands;
        if (text.Length > 20 || !decimal.TryParse(text, styles, CultureInfo.InvariantCulture, out var amount))
        {
            error = "Counted cash must be an amount of money, for example 125.50.";
            return null;
        }
        if (amount < 0)
        {
            error = "Counted cash cannot be negative: enter what is in the drawer, 0 if it is empty.";
            return null;
        }
        if (amount != decimal.Round(amount, 2))
        {
            error = "Counted cash is in whole cents: at most two digits after the point.";
            return null;
        }
        if (amount > Max)
        {
            error = "That is more cash than a till can hold; check the amount.";
            return null;
        }
        error = null;
        return amount;
    }

    /// <summary>A note's problem, or null when it may be stored (blank notes are stored as none).</summary>
    public static string? NoteError(string? note) => note switch
    {
        null => null,
        { Length: > NoteMaxLength } => $"Keep the note to {NoteMaxLength} characters.",
        _ when !PlainText.IsClean(note.Replace("\r\n", " ").Replace('\n', ' ')) => "The note contains characters that cannot be printed.",
        _ => null,
    };

    private static bool IsCurrencySign(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.CurrencySymbol;
}
