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
}
