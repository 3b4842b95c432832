using System.Net;
using System.Threading.RateLimiting;
using JkBoats.Web.Api;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Infrastructure;

/// <summary>Hardening shared by every instance: key ring in PostgreSQL, forwarded headers, rate limits, security headers.</summary>
public static class Security
{
    public const string ApplicationName = "JkBoats";
    public const string BookingRateLimit = "booking";
    public const string SignInRateLimit = "signin";

    public static void AddJkBoatsSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<PostgresXmlRepository>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(
            keys => keys.XmlRepository = provider.GetRequiredService<PostgresXmlRepository>()));

        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((forwarded, settings) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = settings.Value.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in settings.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddSingleton<StaffSignInThrottle>();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("health")
                    : RateLimitPartition.GetConcurrencyLimiter("all", _ =>
                    {
                        var limits = Limits(http);
                        return new ConcurrencyLimiterOptions
                        {
                            PermitLimit = limits.ConcurrentRequests,
                            QueueLimit = limits.QueuedRequests,
                            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                        };
                    }));
            limiter.AddPolicy(AppSetup.LookupRateLimit, http => PerClient(http, Limits(http).LookupsPerMinute));
            limiter.AddPolicy(BookingRateLimit, http => IsBookingAttempt(http.Request)
                ? PerClient(http, Limits(http).BookingsPerMinute)
                : RateLimitPartition.GetNoLimiter(""));
            limiter.AddPolicy(SignInRateLimit, http => HttpMethods.IsPost(http.Request.Method)
                ? PerClient(http, Limits(http).SignInsPerMinute)
                : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                // Per-client windows say when they reopen; the concurrency cap does not, and means the whole instance is full.
                var perClient = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
                http.Response.StatusCode = perClient ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = (perClient ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1).ToString();
                if (!http.Request.Path.StartsWithSegments("/api"))
                {
                    return; // The site's status code page explains it in the site's style.
                }
                var problem = perClient
                    ? ApiResults.Problem(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
                        "Too many requests from this address. Try again after the time in Retry-After.")
                    : ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "busy", "Busy, try again",
                        "The service is very busy right now. Please try again in a moment.");
                await problem.ExecuteAsync(http);
            };
        });
    }

    /// <summary>First in the pipeline: the client address from trusted proxies only, then headers on every response.</summary>
    public static void UseJkBoatsEdge(this WebApplication app)
    {
        // With no known proxy at all the middleware would believe every sender, so it only runs when some are configured.
        var trusted = app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        if (trusted.KnownProxies.Length > 0 || trusted.KnownNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }
        app.UseSecurityHeaders();
    }

    private static RateLimitOptions Limits(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    public static string ClientKey(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "unknown";

    private static RateLimitPartition<string> PerClient(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientKey(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>The API's POST and the site's confirm step; the steps before confirm book nothing.</summary>
    private static bool IsBookingAttempt(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.StartsWithSegments("/api") || string.Equals(request.Query["handler"], "confirm", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Sign-in attempts per staff account, whichever address they come from.</summary>
public sealed class StaffSignInThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SignInsPerAccountPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when the attempt may go ahead, else how long to wait.</summary>
    public TimeSpan? TryAttempt(string email)
    {
        using var lease = _limiter.AttemptAcquire(email.Trim().ToLowerInvariant());
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
