namespace JkBoats.Web.Infrastructure;

/// <summary>Headers on every response, error pages included. The policy allows no inline script or style and no eval;
/// htmx runs under it because the layout's htmx-config turns off eval, script tags in swaps and its indicator styles.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    // Swagger UI sets inline styles and data: images; it shows only the public API description.
    public const string ApiDocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            // A page may set a stricter value of its own (the manage page sends no referrer at all); it wins.
            var headers = http.Response.Headers;
            headers.TryAdd("Content-Security-Policy", http.Request.Path.StartsWithSegments("/api/docs") ? ApiDocsContentSecurityPolicy : ContentSecurityPolicy);
            headers.XFrameOptions = "DENY"; // stricter than the SAMEORIGIN antiforgery adds to pages with a form
            headers.TryAdd("X-Content-Type-Options", "nosniff");
            // Manage links carry a token in the path: never send it to another site.
            headers.TryAdd("Referrer-Policy", "same-origin");
            headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
            headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
            if (http.Request.IsHttps)
            {
                headers.TryAdd("Strict-Transport-Security", StrictTransportSecurity);
            }
            return Task.CompletedTask;
        });
        await next(http);
    });
}
