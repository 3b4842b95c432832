using System.Net;
using JkBoats.Data.Operations;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Prometheus;

namespace JkBoats.Web.Operations;

public static class OperationsSetup
{
    public const string MetricsPath = "/metrics";
    public const string MetricsEndpoint = "metrics";

    public static void AddJkBoatsOperations(this IServiceCollection services, string poolName)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        services.AddOptions<WatchdogOptions>().BindConfiguration(WatchdogOptions.Section);
        services.AddSingleton(provider => provider.GetRequiredService<OpsMetrics>().Registry);
        services.AddSingleton<RequestLatency>();
        services.AddSingleton(provider => new NpgsqlPoolMetrics(poolName, provider.GetRequiredService<CollectorRegistry>()));
        services.AddHostedService<InvariantWatchdogService>();
        services.AddHostedService<WaitlistHoldSweeper>();
    }

    /// <summary>Call after routing and authentication: times requests and serves /metrics to staff and allowed networks.</summary>
    public static void UseJkBoatsOperations(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        app.Services.GetRequiredService<NpgsqlPoolMetrics>();
        AddOutboxGauges(registry, app.Services);

        app.UseHttpMetrics(http =>
        {
            http.SetMetricFactory(Metrics.WithCustomRegistry(registry));
            http.ReduceStatusCodeCardinality();
        });
        var latency = app.Services.GetRequiredService<RequestLatency>();
        app.Use(async (http, next) =>
        {
            var window = latency.WindowFor(http);
            var started = TimeProvider.System.GetTimestamp();
            await next(http);
            window?.Add(TimeProvider.System.GetElapsedTime(started));
        });

        var configured = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.AllowedNetworks;
        var networks = ParseNetworks(configured.Length > 0 ? configured : MetricsOptions.Loopback);
        app.UseWhen(http => http.Request.Path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase), metrics => metrics.Use(async (http, next) =>
        {
            if (!await MayReadMetricsAsync(http, networks))
            {
                // Not found rather than forbidden: the internet need not learn that the endpoint exists.
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(http);
        }));
        app.MapMetrics(MetricsPath, registry).WithName(MetricsEndpoint);
    }

    private static async Task<bool> MayReadMetricsAsync(HttpContext http, IReadOnlyList<IPNetwork> networks)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is not null)
        {
            var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (networks.Any(network => network.Contains(ip)))
            {
                return true;
            }
        }
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return false;
        }
        var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(http.User, StaffAuthentication.StaffPolicy)).Succeeded;
    }

    public static IReadOnlyList<IPNetwork> ParseNetworks(IEnumerable<string> networks) =>
        networks.Where(n => !string.IsNullOrWhiteSpace(n))
            .Select(n => IPNetwork.TryParse(n.Trim(), out var network)
                ? network
                : throw new InvalidOperationException($"JkBoats:Metrics:AllowedNetworks has \"{n}\", which is not a network in CIDR notation (like 10.0.0.0/8)."))
            .ToList();

    private static void AddOutboxGauges(CollectorRegistry registry, IServiceProvider services)
    {
        var metrics = Metrics.WithCustomRegistry(registry);
        var rows = metrics.CreateGauge("jkboats_email_outbox_rows", "Email outbox rows by status (all instances, from the database).", "status");
        var lag = metrics.CreateGauge("jkboats_email_outbox_oldest_unsent_age_seconds",
            "Age of the oldest email not yet sent (pending, sending or failed); 0 when none is waiting. The outbox lag.");
        var dashboard = services.GetRequiredService<DashboardRepository>();
        var log = services.GetRequiredService<ILogger<DashboardRepository>>();
        registry.AddBeforeCollectCallback(async ct =>
        {
            try
            {
                var health = await dashboard.OutboxHealthAsync(ct);
                rows.WithLabels("pending").Set(health.Pending);
                rows.WithLabels("sending").Set(health.Sending);
                rows.WithLabels("failed").Set(health.Failed);
                rows.WithLabels("sent").Set(health.Sent);
                rows.WithLabels("dead").Set(health.Dead);
                lag.Set(health.OldestUnsentAt is { } oldest ? Math.Max(0, (DateTime.UtcNow - oldest).TotalSeconds) : 0);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Email outbox gauges not updated: the database could not be read");
            }
        });
    }
}
