namespace JkBoats.Tests.Infrastructure;

/// <summary>For tests that need "today" to have hours left in it whenever the suite runs (CI runs at any hour).</summary>
public static class TimeOfDay
{
    /// <summary>A fixed-offset time zone (<c>Etc/GMT±N</c>) in which it is now between 12:00 and 13:00, for a test that runs its own
    /// app (<c>JkBoats:TimeZone</c>): the rest of its operator's day is half a day long at any UTC hour.</summary>
    public static string NoonZone()
    {
        var offset = 12 - DateTime.UtcNow.Hour; // -11 … +12 hours east of UTC
        // The Etc zones' signs are POSIX-style: Etc/GMT-3 is three hours east of UTC.
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => $"Etc/GMT-{offset}",
            _ => $"Etc/GMT+{-offset}",
        };
    }

    /// <summary>Waits out the last <paramref name="margin"/> before midnight UTC (the shared apps' operator day), so that a test that
    /// reads "today" twice does not see two days.</summary>
    public static async Task AwayFromMidnightAsync(TimeSpan margin)
    {
        var left = DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
        if (left < margin)
        {
            await Task.Delay(left + TimeSpan.FromSeconds(1));
        }
    }
}
