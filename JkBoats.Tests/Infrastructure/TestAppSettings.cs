namespace JkBoats.Tests.Infrastructure;

/// <summary>What every test instance of the app runs with, in-process (<see cref="JkBoatsApp"/>) or as a process (<see cref="AppProcess"/>).</summary>
public static class TestAppSettings
{
    public static Dictionary<string, string?> For(string connectionString) => new()
    {
        ["ConnectionStrings:JkBoats"] = connectionString,
        // Storms come from one loopback client; tests about the limits set their own.
        ["JkBoats:RateLimits:LookupsPerMinute"] = "100000",
        ["JkBoats:RateLimits:BookingsPerMinute"] = "100000",
        ["JkBoats:RateLimits:SignInsPerMinute"] = "100000",
        ["JkBoats:RateLimits:SignInsPerAccountPerMinute"] = "100000",
        ["JkBoats:RateLimits:CancellationsPerMinute"] = "100000",
        ["JkBoats:RateLimits:TillClosesPerMinute"] = "100000",
        ["JkBoats:RateLimits:ConcurrentRequests"] = "1000",
        ["JkBoats:RateLimits:QueuedRequests"] = "1000",
        ["Serilog:MinimumLevel:Default"] = "Warning",
        // The console shows warnings and worse only, even for tests that capture Debug events in a sink of their own.
        ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Warning",
        // Tests start and stop many apps; no load balancer needs draining.
        ["JkBoats:Shutdown:DrainDelay"] = "00:00:00",
        // A reminder sweep would add outbox rows to other tests' bookings that leave soon; the reminder tests turn it on.
        ["Email:ReminderSweepInterval"] = "00:00:00",
        ["Email:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "jkboats-test-mail"),
    };
}
