namespace JkBoats.Web.Infrastructure;

/// <summary>Per-client limits (per minute, by client address) and the cap on requests served at once.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "JkBoats:RateLimits";

    public int LookupsPerMinute { get; set; } = 30;

    public int BookingsPerMinute { get; set; } = 20;

    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>Cancellations through the manage link.</summary>
    public int CancellationsPerMinute { get; set; } = 10;

    /// <summary>Till closes recorded at the desk (a person re-counts a drawer a few times at most).</summary>
    public int TillClosesPerMinute { get; set; } = 20;

    /// <summary>Sign-in attempts on one staff account, from anywhere (in this instance; lockout in the database covers all).</summary>
    public int SignInsPerAccountPerMinute { get; set; } = 10;

    /// <summary>Requests served at once by this instance; keep it below the connection string's Max Pool Size (default 100).</summary>
    public int ConcurrentRequests { get; set; } = 64;

    public int QueuedRequests { get; set; } = 200;
}

/// <summary>Proxies whose X-Forwarded-For/-Proto are believed. Nobody's by default, loopback included.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "JkBoats:ForwardedHeaders";

    public string[] KnownProxies { get; set; } = [];

    public string[] KnownNetworks { get; set; } = [];

    public int ForwardLimit { get; set; } = 1;
}
