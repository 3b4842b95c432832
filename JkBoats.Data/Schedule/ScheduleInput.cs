using System.Globalization;

namespace JkBoats.Data.Schedule;

public sealed class ScheduleInput(OperatorCalendar calendar)
{
    public const decimal MaxPrice = 10_000m;

    public const int MaxYearsAhead = 5;

    public string? Destination(string? text, List<string> errors)
    {
        var destination = text?.Trim();
        if (string.IsNullOrEmpty(destination) || destination.Length > 200 || !PlainText.IsClean(destination))
        {
            errors.Add("Destination: 1 to 200 characters, no invisible or direction characters.");
            return null;
        }
        return destination;
    }

    public decimal? Price(string? text, List<string> errors)
    {
        if (decimal.TryParse(text?.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var price) && price > 0 && price <= MaxPrice && decimal.Round(price, 2) == price)
        {
            return price;
        }
        errors.Add($"Price per seat: a positive amount up to {MaxPrice:0} with at most 2 decimals, e.g. 25.50.");
        return null;
    }

    /// <summary>A fare's price: empty means "not sold"; 0 means free. False (with an error) when it cannot be read.</summary>
    public static bool FarePrice(string? text, string fare, List<string> errors, out decimal? price)
    {
        price = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= MaxPrice && decimal.Round(value, 2) == value)
        {
            price = value;
            return true;
        }
        errors.Add($"{fare}: an amount from 0 (free) up to {MaxPrice:0} with at most 2 decimals, e.g. 12.50, or empty for not sold.");
        return false;
    }

    public DateOnly? Date(string? text, string label, List<string> errors)
    {
        if (!DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add($"{label}: a date like 2026-12-24.");
            return null;
        }
        // Nobody plans trips decades ahead; a typo like 9999 or 20266 should not become a departure.
        if (day.Year > calendar.Today.Year + MaxYearsAhead)
        {
            errors.Add($"{label}: at most {MaxYearsAhead} years ahead.");
            return null;
        }
        return day;
    }

    public TimeOnly? Time(string? text, string label, List<string> errors)
    {
        if (TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        errors.Add($"{label}: a time like 09:30.");
        return null;
    }

    /// <summary>The local day and time as a UTC departure time, refused once it has passed (unless it is <paramref name="unchanged"/>).</summary>
    public DateTime? DepartureTime(DateOnly day, TimeOnly time, List<string> errors, DateTime? unchanged = null)
    {
        var utc = calendar.LocalToUtc(day.ToDateTime(time));
        if (utc <= calendar.UtcNow && utc != unchanged)
        {
            errors.Add("That time has already passed.");
            return null;
        }
        return utc;
    }

    public bool StartsInThePast(DateOnly from) => from < calendar.Today;
}
