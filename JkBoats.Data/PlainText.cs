using System.Globalization;
using System.Text;

namespace JkBoats.Data;

/// <summary>What text typed by people (names, reasons, boat and destination names) may contain: printable characters only. Control and format
/// characters (bidirectional overrides such as U+202E, zero-width spaces and joiners), line and paragraph separators, private-use and unassigned code
/// points and broken surrogates are refused: they reverse or hide text on the manifest, in CSV files and emails, and defeat search.</summary>
public static class PlainText
{
    public static bool IsClean(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done || !IsPrintable(rune))
            {
                return false;
            }
            rest = rest[used..];
        }
        return true;
    }

    /// <summary>A search query as it can match stored text: compatibility forms folded (NFKC: fullwidth letters, ligatures) and
    /// invisible characters dropped.</summary>
    public static string ForSearch(string query)
    {
        var kept = new StringBuilder(query.Length);
        foreach (var rune in Fold(query).EnumerateRunes())
        {
            if (IsPrintable(rune))
            {
                kept.Append(rune.ToString());
            }
        }
        return kept.ToString().Trim();
    }

    /// <summary>NFKC, or the text as it is when it cannot be normalised (a broken surrogate).</summary>
    public static string Fold(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate => false,
        _ => true,
    };
}
