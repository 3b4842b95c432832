using System.Globalization;
using JkBoats.Data.Bookings;
using JkBoats.Data.Fares;

namespace JkBoats.Web.Pages.Shared;

/// <summary>The passengers a form's fare counts make, one row each in the departure's fare order, with what the form posted for
/// them in parallel lists (<c>passenger_names</c>, <c>passenger_years</c>, <c>passenger_needs</c>, <c>passenger_notes</c>).
/// The customer site and the desk's walk-in share it and the <c>_PassengerRows</c> partial that renders it.</summary>
public sealed class PassengerRows
{
    public const string NamesField = "passenger_names";
    public const string YearsField = "passenger_years";
    public const string NeedsField = "passenger_needs";
    public const string NotesField = "passenger_notes";

    private PassengerRows(IReadOnlyList<(DepartureFare Fare, PassengerInput Input, string? YearText)> rows) => Rows = rows;

    public IReadOnlyList<(DepartureFare Fare, PassengerInput Input, string? YearText)> Rows { get; }

    public int Count => Rows.Count;

    public IReadOnlyList<PassengerInput> Inputs => Rows.Select(r => r.Input).ToList();

    /// <summary>Lines the posted lists up with the passengers <paramref name="countOf"/> makes; a birth year that is not four
    /// digits gets its message in <paramref name="errors"/> under the passenger's field, as the validator names it.</summary>
    public static PassengerRows Line(IEnumerable<DepartureFare> fares, Func<string, int> countOf, IReadOnlyList<string?> names,
        IReadOnlyList<string?> years, IReadOnlyList<string?> needs, IReadOnlyList<string?> notes, IDictionary<string, string[]> errors)
    {
        var rows = new List<(DepartureFare, PassengerInput, string?)>();
        foreach (var fare in fares)
        {
            for (var n = 0; n < countOf(fare.Code); n++)
            {
                var i = rows.Count;
                var yearText = At(years, i)?.Trim();
                int? year = null;
                if (!string.IsNullOrEmpty(yearText))
                {
                    if (yearText.Length == 4 && int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                    {
                        year = parsed;
                    }
                    else
                    {
                        errors[BookingValidator.PassengerField(i, "birth_year")] = [JkBoats.Web.Infrastructure.SiteText.T("Enter the birth year as four digits, e.g. 2019, or leave it empty.")];
                    }
                }
                rows.Add((fare, new PassengerInput(fare.Code, At(names, i), year, At(needs, i), At(notes, i)), yearText));
            }
        }
        return new PassengerRows(rows);
    }

    public static readonly PassengerRows None = new([]);

    private static string? At(IReadOnlyList<string?> values, int index) => index < values.Count ? values[index] : null;
}

/// <summary>What the <c>_PassengerRows</c> partial needs: the rows, the form's errors, whether every name is required, the legend.</summary>
public sealed record PassengerRowsView(PassengerRows Passengers, IReadOnlyDictionary<string, string[]> Errors, bool NamesRequired, string Legend,
    string Hint)
{
    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
