using System.Globalization;

namespace JkBoats.Web.Infrastructure;

/// <summary>An amount of money typed at the desk: digits with an optional point and at most two decimals ("12", "12.5", "12.50").
/// A comma is refused rather than guessed at ("1,50" could be one and a half or a hundred and fifty).</summary>
public static class MoneyInput
{
    public const decimal Max = 99_999_999.99m;

    public static decimal? Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 12
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        return value > 0 && value <= Max && decimal.Round(value, 2) == value ? value : null;
    }

    /// <summary>An amount as the form shows it back: "12.50".</summary>
    public static string Format(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
