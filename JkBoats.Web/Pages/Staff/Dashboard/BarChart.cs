using System.Globalization;
using JkBoats.Data.Operations;

namespace JkBoats.Web.Pages.Staff.Dashboard;

/// <summary>Geometry of a server-rendered SVG bar chart of seats per day: the page only draws what this computes.</summary>
public sealed class BarChart
{
    public const double Width = 720;
    public const double Height = 180;
    private const double Top = 12;
    private const double Bottom = 30;
    private const double Left = 48;

    private BarChart(string id, string title, string description, IReadOnlyList<ChartBar> bars, int scale, IReadOnlyList<ChartTick> ticks)
    {
        Id = id;
        Title = title;
        Description = description;
        Bars = bars;
        Scale = scale;
        Ticks = ticks;
    }

    public string Id { get; }

    public string Title { get; }

    public string Description { get; }

    public IReadOnlyList<ChartBar> Bars { get; }

    public int Scale { get; }

    public IReadOnlyList<ChartTick> Ticks { get; }

    public static double PlotBottom => Height - Bottom;

    public static double PlotLeft => Left;

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static BarChart ForDays(string id, string title, IReadOnlyList<DaySeats> days, Func<DateOnly, string> href, bool withCapacity, DateOnly today)
    {
        var top = Math.Max(1, days.Max(d => withCapacity ? Math.Max(d.Seats, d.Capacity) : d.Seats));
        var scale = NiceCeiling(top);
        var plotHeight = Height - Top - Bottom;
        var slot = (Width - Left) / Math.Max(1, days.Count);
        var barWidth = Math.Max(2, slot * 0.7);
        var bars = days.Select((d, i) =>
        {
            var x = Left + i * slot + (slot - barWidth) / 2;
            var height = plotHeight * d.Seats / scale;
            var capacityHeight = withCapacity ? plotHeight * d.Capacity / scale : 0;
            var label = withCapacity ? $"{d.Day:ddd d MMM}: {d.Seats} of {d.Capacity} seats booked" : $"{d.Day:ddd d MMM}: {d.Seats} seats sold";
            return new ChartBar(d.Day, d.Seats, d.Capacity, label, href(d.Day), x, PlotBottom - height, barWidth, height,
                PlotBottom - capacityHeight, capacityHeight, d.Day == today,
                i % 7 == 0 && i < days.Count - 4 ? d.Day.ToString("d MMM", CultureInfo.InvariantCulture) : null);
        }).ToList();
        var ticks = new[] { 0, scale / 2, scale }.Distinct().Select(v => new ChartTick(v, PlotBottom - plotHeight * v / scale)).ToList();
        var total = days.Sum(d => d.Seats);
        var description = withCapacity
            ? $"{total} seats booked of {days.Sum(d => d.Capacity)} offered from {days[0].Day:d MMM} to {days[^1].Day:d MMM}."
            : $"{total} seats sold from {days[0].Day:d MMM} to {days[^1].Day:d MMM}, at most {days.Max(d => d.Seats)} in a day.";
        return new BarChart(id, title, description, bars, scale, ticks);
    }

    private static int NiceCeiling(int value)
    {
        var magnitude = (int)Math.Pow(10, Math.Floor(Math.Log10(value)));
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
    DateOnly Day, int Seats, int Capacity, string Label, string Href, double X, double Y, double Width, double Height,
    double CapacityY, double CapacityHeight, bool IsToday, string? AxisLabel);

public sealed record ChartTick(int Value, double Y);
