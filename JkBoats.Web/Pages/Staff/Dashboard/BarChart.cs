using System.Globalization;
using JkBoats.Data.Operations;
using JkBoats.Web.Pages.Shared;

namespace JkBoats.Web.Pages.Staff.Dashboard;

/// <summary>One bar to draw: its value, how to write it, and where a click on its number goes.</summary>
public sealed record ChartPoint(string Key, string Name, decimal Value, string ValueText)
{
    public DateOnly? Day { get; init; }

    public decimal? Capacity { get; init; }

    public string? Href { get; init; }

    public string? Label { get; init; }

    public bool Highlight { get; init; }
}

/// <summary>Geometry of a server-rendered SVG bar chart (seats per day on the dashboard, money per day or per destination in the reports):
/// the page only draws what this computes.</summary>
public sealed class BarChart
{
    public const double Width = 720;
    public const double Height = 180;
    private const double Top = 12;
    private const double Bottom = 30;
    private const double Left = 48;
    private const double AxisLabelWidth = 70;
    private const double CharacterWidth = 11;

    private BarChart(string id, string title, string description, string nameHeader, string valueHeader, string? capacityHeader,
        IReadOnlyList<ChartBar> bars, IReadOnlyList<ChartTick> ticks)
    {
        Id = id;
        Title = title;
        Description = description;
        NameHeader = nameHeader;
        ValueHeader = valueHeader;
        CapacityHeader = capacityHeader;
        Bars = bars;
        Ticks = ticks;
    }

    public string Id { get; }

    public string Title { get; }

    public string Description { get; }

    /// <summary>The heading of the table behind the chart: "Day", "Destination".</summary>
    public string NameHeader { get; }

    public string ValueHeader { get; }

    public string? CapacityHeader { get; }

    public IReadOnlyList<ChartBar> Bars { get; }

    public IReadOnlyList<ChartTick> Ticks { get; }

    public static double PlotBottom => Height - Bottom;

    public static double PlotLeft => Left;

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static BarChart ForDays(string id, string title, IReadOnlyList<DaySeats> days, Func<DateOnly, string> href, bool withCapacity, DateOnly today,
        Display display)
    {
        var points = days.Select(d => new ChartPoint(Iso(d.Day), display.ShortWeekday(d.Day), d.Seats,
            d.Seats.ToString(CultureInfo.InvariantCulture))
        {
            Day = d.Day,
            Capacity = withCapacity ? d.Capacity : null,
            Href = href(d.Day),
            Label = withCapacity ? $"{display.ShortWeekday(d.Day)}: {d.Seats} of {d.Capacity} seats booked" : $"{display.ShortWeekday(d.Day)}: {d.Seats} seats sold",
            Highlight = d.Day == today,
        }).ToList();
        var total = days.Sum(d => d.Seats);
        var description = withCapacity
            ? $"{total} seats booked of {days.Sum(d => d.Capacity)} offered from {display.DayMonth(days[0].Day)} to {display.DayMonth(days[^1].Day)}."
            : $"{total} seats sold from {display.DayMonth(days[0].Day)} to {display.DayMonth(days[^1].Day)}, at most {days.Max(d => d.Seats)} in a day.";
        return Build(id, title, description, "Day", "Seats", withCapacity ? "Offered" : null, points,
            v => v.ToString("0", CultureInfo.InvariantCulture), wholeNumbers: true,
            (i, count) => i % 7 == 0 && i < count - 4 ? display.DayMonth(days[i].Day) : null);
    }

    /// <summary>Bars of money per day, spread over the period with a date under every few of them.</summary>
    public static BarChart ForDayAmounts(string id, string title, string description, IReadOnlyList<ChartPoint> days, Func<decimal, string> money,
        Display display)
    {
        var slot = (Width - Left) / Math.Max(1, days.Count);
        var every = Math.Max(1, (int)Math.Ceiling(AxisLabelWidth / slot));
        return Build(id, title, description, "Day", "Revenue", null, days, money, wholeNumbers: false,
            (i, count) => i % every == 0 && (count - i) * slot >= AxisLabelWidth
                ? days[i].Day is { } day ? display.DayMonth(day) : null : null);
    }

    /// <summary>Bars of money per named thing (a destination, a boat), each named under its bar when there is room.</summary>
    public static BarChart ForNamedAmounts(string id, string title, string description, string nameHeader, IReadOnlyList<ChartPoint> points,
        Func<decimal, string> money)
    {
        var slot = (Width - Left) / Math.Max(1, points.Count);
        var characters = (int)(slot * 0.85 / CharacterWidth);
        return Build(id, title, description, nameHeader, "Revenue", null, points, money, wholeNumbers: false,
            (i, _) => characters < 3 ? null : points[i].Name.Length <= characters ? points[i].Name : points[i].Name[..(characters - 1)] + "…");
    }

    private static BarChart Build(string id, string title, string description, string nameHeader, string valueHeader, string? capacityHeader,
        IReadOnlyList<ChartPoint> points, Func<decimal, string> tickText, bool wholeNumbers, Func<int, int, string?> axisLabel)
    {
        var top = Math.Max(1m, points.Count == 0 ? 0 : points.Max(p => Math.Max(p.Value, p.Capacity ?? 0)));
        var scale = NiceCeiling(top);
        var plotHeight = Height - Top - Bottom;
        var slot = (Width - Left) / Math.Max(1, points.Count);
        var barWidth = Math.Max(2, slot * 0.7);
        var bars = points.Select((p, i) =>
        {
            var x = Left + i * slot + (slot - barWidth) / 2;
            var height = plotHeight * (double)(Math.Max(0, p.Value) / scale);
            var capacityHeight = p.Capacity is { } capacity ? plotHeight * (double)(capacity / scale) : 0;
            return new ChartBar(p.Key, p.Name, p.Day, wholeNumbers ? (int)p.Value : null, p.Value, p.ValueText,
                p.Capacity?.ToString("0", CultureInfo.InvariantCulture), p.Label ?? $"{p.Name}: {p.ValueText}", p.Href,
                x, PlotBottom - height, barWidth, height, PlotBottom - capacityHeight, capacityHeight, p.Highlight, axisLabel(i, points.Count));
        }).ToList();
        var middle = wholeNumbers ? Math.Floor(scale / 2) : scale / 2;
        var ticks = new[] { 0, middle, scale }.Distinct()
            .Select(v => new ChartTick(tickText(v), PlotBottom - plotHeight * (double)(v / scale))).ToList();
        return new BarChart(id, title, description, nameHeader, valueHeader, capacityHeader, bars, ticks);
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static decimal NiceCeiling(decimal value)
    {
        var magnitude = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)value)));
        foreach (var step in new[] { 1, 2, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}

public sealed record ChartBar(
    string Key, string Name, DateOnly? Day, int? Seats, decimal Value, string ValueText, string? CapacityText, string Label, string? Href,
    double X, double Y, double Width, double Height, double CapacityY, double CapacityHeight, bool IsToday, string? AxisLabel);

public sealed record ChartTick(string Text, double Y);
