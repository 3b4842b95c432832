using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Serilog;
using Serilog.Context;
using Serilog.Core;
using Serilog.Events;

namespace JkBoats.Web.Infrastructure;

public static partial class RequestLogging
{
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string CorrelationProperty = "CorrelationId";

    /// <summary>First in the pipeline: takes the caller's X-Correlation-Id when it is a short safe token (a load balancer's
    /// request id), else the request's W3C trace id; pushes it into every log event of the request and returns it.</summary>
    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var incoming = http.Request.Headers[CorrelationHeader].ToString();
        var id = SafeToken().IsMatch(incoming)
            ? incoming
            : Activity.Current is { TraceId: var trace } && trace != default ? trace.ToHexString() : http.TraceIdentifier;
        http.Items[CorrelationProperty] = id;
        // At OnStarting, so error pages and the exception handler (which clear headers) still carry it.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[CorrelationHeader] = id;
            return Task.CompletedTask;
        });
        using (LogContext.PushProperty(CorrelationProperty, id))
        {
            await next(http);
        }
    });

    /// <summary>Serilog's one-line request log, naming the route template (never a manage link's token) and the correlation id.</summary>
    public static IApplicationBuilder UseJkBoatsRequestLogging(this IApplicationBuilder app) => app.UseSerilogRequestLogging(options =>
    {
        // This app's own logger: the middleware would otherwise write to the static Log.Logger, which the app leaves
        // silent (preserveStaticLogger) so that several apps in one process each keep their own sinks.
        options.Logger = app.ApplicationServices.GetService<Serilog.ILogger>();
        options.MessageTemplate = "HTTP {RequestMethod} {RequestRoute} responded {StatusCode} in {Elapsed:0.0000} ms";
        options.EnrichDiagnosticContext = (diagnostics, http) =>
        {
            diagnostics.Set("RequestRoute", RouteOf(http));
            if (http.Items[CorrelationProperty] is string id)
            {
                diagnostics.Set(CorrelationProperty, id);
            }
        };
    });

    /// <summary>The endpoint's route template ("/bookings/manage/{token}"), or the path with secrets masked when there is none.</summary>
    public static string RouteOf(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template }
            ? "/" + template.TrimStart('/')
            : PersonalDataRedactor.Redact(http.Request.Path.Value ?? "");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeToken();
}

/// <summary>A safety net over every log event: masks manage-link tokens in paths, email addresses, and personal query
/// parameters in any string property (framework events carry RequestPath and query strings), so they never reach a sink.</summary>
public sealed partial class PersonalDataRedactor : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && Redact(text) is var redacted && !ReferenceEquals(redacted, text) && redacted != text)
            {
                (changed ??= []).Add(new LogEventProperty(name, new ScalarValue(redacted)));
            }
        }
        foreach (var property in changed ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    public static string Redact(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }
        if (text.Contains("/manage/", StringComparison.OrdinalIgnoreCase))
        {
            text = ManagePath().Replace(text, "/bookings/manage/{token}");
        }
        if (text.Contains('@') || text.Contains("%40", StringComparison.OrdinalIgnoreCase))
        {
            // The app's own demo/sender addresses (the reserved .example domain) are not personal data.
            text = Email().Replace(text, m => m.Value.EndsWith("@jkboats.example", StringComparison.OrdinalIgnoreCase) ? m.Value : "[email]");
        }
        if (text.Contains('='))
        {
            text = PersonalQuery().Replace(text, "$1=[redacted]");
        }
        return text;
    }

    [GeneratedRegex("/bookings/manage/[^/?#\\s\"']+", RegexOptions.IgnoreCase)]
    private static partial Regex ManagePath();

    [GeneratedRegex("[^\\s@<>\"'=&?/:;,]+(@|%40)[^\\s@<>\"'&?/;,]+", RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    [GeneratedRegex("\\b(email|phone|full_?name|name|token|confirmation_?code)=[^&\\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex PersonalQuery();
}
