namespace JkBoats.Web.Operations;

/// <summary>Recent durations of the requests the document sets targets for: booking (p95 &lt; 1 s) and listing (p95 &lt; 500 ms).</summary>
public sealed class RequestLatency(TimeProvider clock)
{
    public LatencyWindow Booking { get; } = new(clock);

    public LatencyWindow Listing { get; } = new(clock);

    public LatencyWindow? WindowFor(HttpContext http)
    {
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var method = http.Request.Method;
        return route switch
        {
            "/api/bookings" or "/staff/departures/{id:guid}/walk-in" when HttpMethods.IsPost(method) => Booking,
            "/departures/{id:guid}/book" when HttpMethods.IsPost(method) && string.Equals(http.Request.Query["handler"], "Confirm", StringComparison.OrdinalIgnoreCase) => Booking,
            "/api/boats" or "/" when HttpMethods.IsGet(method) => Listing,
            _ => null,
        };
    }
}

public sealed class LatencyWindow(TimeProvider clock)
{
    private const int Capacity = 4096;
    private readonly (long At, double Ms)[] _samples = new (long, double)[Capacity];
    private readonly Lock _lock = new();
    private long _count;

    public void Add(TimeSpan duration)
    {
        lock (_lock)
        {
            _samples[_count++ % Capacity] = (clock.GetUtcNow().ToUnixTimeMilliseconds(), duration.TotalMilliseconds);
        }
    }

    public (double? Milliseconds, int Requests) Percentile(double percentile, TimeSpan over)
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)over.TotalMilliseconds;
        double[] recent;
        lock (_lock)
        {
            recent = _samples.Take((int)Math.Min(_count, Capacity)).Where(s => s.At >= since).Select(s => s.Ms).ToArray();
        }
        if (recent.Length == 0)
        {
            return (null, 0);
        }
        Array.Sort(recent);
        var rank = (int)Math.Ceiling(percentile / 100 * recent.Length) - 1;
        return (recent[Math.Clamp(rank, 0, recent.Length - 1)], recent.Length);
    }
}
