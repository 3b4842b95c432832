using System.Text.RegularExpressions;
using CsvHelper;

namespace JkBoats.Web.Infrastructure;

/// <summary>Every CSV the app produces: CsvHelper quotes and escapes, and every cell is made formula-safe, because a spreadsheet
/// runs a cell that begins with = + - @ (or a tab or CR before one) as a formula. Such a cell gets a leading apostrophe.
/// A phone number in E.164 (+ and digits only) stays as it is: it cannot call anything, and the desk reads it as a number.
/// So does a plain negative number (a refund in a report): a spreadsheet reads it as the number it is.</summary>
public static partial class CsvFile
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static byte[] Build(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, options: null, leaveOpen: true))
        {
            csv.WriteHeader(header.Select(Neutralise).ToArray()!);
            foreach (var row in rows)
            {
                csv.WriteRecord(row.Select(Neutralise).ToArray());
            }
        }
        return buffer.ToArray();
    }

    public static string? Neutralise(string? cell)
    {
        if (string.IsNullOrEmpty(cell) || PlainPhone().IsMatch(cell) || PlainNumber().IsMatch(cell))
        {
            return cell;
        }
        var first = cell.TrimStart(' ');
        return first.Length > 0 && FormulaStarts.Contains(first[0]) || cell[0] is '\t' or '\r' ? "'" + cell : cell;
    }

    [GeneratedRegex(@"^\+[0-9]{4,15}$")]
    private static partial Regex PlainPhone();

    [GeneratedRegex(@"^-[0-9]{1,15}(\.[0-9]{1,4})?\z")]
    private static partial Regex PlainNumber();
}
