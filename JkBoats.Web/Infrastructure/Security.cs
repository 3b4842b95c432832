using System.Net;
using System.Reflection;
using System.Threading.RateLimiting;
using JkBoats.Web.Api;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Infrastructure;

/// <summary>Hardening shared by every instance: key ring in PostgreSQL, forwarded headers, rate limits, security headers.</summary>
public static class Security
{
    public const string ApplicationName = "JkBoats";
    public const string BookingRateLimit = "booking";
    public const string SignInRateLimit = "signin";
    public const string CancelRateLimit = "cancel";
    public const string TillRateLimit = "till";

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
            limiter.AddPolicy(AppSetup.LookupRateLimit, http => PerClient(http, AppSetup.LookupRateLimit, Limits(http).LookupsPerMinute));
            limiter.AddPolicy(BookingRateLimit, http => PerClient(http, BookingRateLimit, Limits(http).BookingsPerMinute));
            limiter.AddPolicy(SignInRateLimit, http => PerClient(http, SignInRateLimit, Limits(http).SignInsPerMinute));
            limiter.AddPolicy(CancelRateLimit, http => PerClient(http, CancelRateLimit, Limits(http).CancellationsPerMinute));
            limiter.AddPolicy(TillRateLimit, http => PerClient(http, TillRateLimit, Limits(http).TillClosesPerMinute));
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

    private static RateLimitPartition<string> PerClient(HttpContext http, string policy, int perMinute) =>
        Runs(http, policy)
            ? RateLimitPartition.GetFixedWindowLimiter(ClientKey(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("");

    /// <summary>
    /// Whether the request runs code that the policy guards. A minimal API endpoint carries the policy itself. On a page
    /// only the handler carries it (<see cref="HandlerRateLimits"/>), and the handler is the one Razor Pages' own selector
    /// picks (route value, else the first <c>handler</c> query value, any case, HEAD as GET), never a re-reading of the URL.
    /// </summary>
    private static bool Runs(HttpContext http, string policy)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<CompiledPageActionDescriptor>() is not { } page)
        {
            return true;
        }
        var selector = http.RequestServices.GetRequiredService<IPageHandlerMethodSelector>();
        var handler = selector.Select(new PageContext { HttpContext = http, RouteData = http.GetRouteData(), ActionDescriptor = page });
        return handler?.MethodInfo.GetCustomAttribute<EnableRateLimitingAttribute>()?.PolicyName == policy;
    }
}

/// <summary>
/// <c>[EnableRateLimiting]</c> on a page handler (the framework reads it on page models only) puts the page under that
/// policy, and the policy then counts just the requests that handler serves. On a page model it would count every step.
/// </summary>
public sealed class HandlerRateLimits : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        if (model.HandlerTypeAttributes.OfType<EnableRateLimitingAttribute>().Any())
        {
            throw new InvalidOperationException($"{model.HandlerType.Name}: put [EnableRateLimiting] on the handlers it limits, not on the page model.");
        }
        var policies = model.HandlerMethods.SelectMany(h => h.Attributes.OfType<EnableRateLimitingAttribute>()).Select(a => a.PolicyName).Distinct().ToList();
        if (policies.Count > 1)
        {
            throw new InvalidOperationException($"{model.HandlerType.Name}: one rate limit policy per page, not {string.Join(", ", policies)}.");
        }
        if (policies is [{ } policy])
        {
            model.EndpointMetadata.Add(new EnableRateLimitingAttribute(policy));
        }
    }
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
