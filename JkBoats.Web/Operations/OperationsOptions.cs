namespace JkBoats.Web.Operations;

public sealed class MetricsOptions
{
    public const string Section = "JkBoats:Metrics";

    /// <summary>Networks (CIDR) whose clients may read /metrics without signing in; signed-in staff always may.</summary>
    public string[] AllowedNetworks { get; set; } = ["127.0.0.0/8", "::1/128"];
}

public sealed class WatchdogOptions
{
    public const string Section = "JkBoats:Watchdog";

    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}
