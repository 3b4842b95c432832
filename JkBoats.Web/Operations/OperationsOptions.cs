namespace JkBoats.Web.Operations;

public sealed class MetricsOptions
{
    public const string Section = "JkBoats:Metrics";

    public static readonly string[] Loopback = ["127.0.0.0/8", "::1/128"];

    /// <summary>Networks (CIDR) whose clients may read /metrics without signing in (loopback when none is set); signed-in staff always may.</summary>
    public string[] AllowedNetworks { get; set; } = [];
}

public sealed class WatchdogOptions
{
    public const string Section = "JkBoats:Watchdog";

    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this share of the time is spent checking: after a check that took <c>t</c>, the next starts no sooner
    /// than <c>t / MaxShare</c> later (a 2 s check at 2% waits 100 s), so on a large schedule the check stretches its interval
    /// rather than take a core of the database away from bookings. 1 keeps <see cref="Interval"/> whatever a check takes.</summary>
    public double MaxShare { get; set; } = 0.02;

    /// <summary>The stretched interval never exceeds this, so "watchdog alive" (last run under 5 minutes ago) keeps holding.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromMinutes(4);
}
