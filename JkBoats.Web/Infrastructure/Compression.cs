using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.ResponseCompression;

namespace JkBoats.Web.Infrastructure;

/// <summary>Brotli or gzip for dynamic HTML and JSON (static assets come precompressed from the build through MapStaticAssets).
/// Over HTTPS only the public listings are compressed: pages that carry a secret (antiforgery tokens, manage links,
/// personal details) next to text a visitor controls would let an attacker read the secret back from the compressed
/// sizes (BREACH), so they stay uncompressed there. Plain-HTTP hops (tests, a proxy on loopback) compress everything.</summary>
public static class Compression
{
    public static IServiceCollection AddJkBoatsCompression(this IServiceCollection services) =>
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = false;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            // The default MIME types (HTML, JSON, CSS, JS, plain text, XML) leave out text/event-stream, which must stream.
        });

    public static void CompressOverHttps(this PageConventionCollection conventions, params string[] pageNames)
    {
        foreach (var pageName in pageNames)
        {
            conventions.AddPageApplicationModelConvention(pageName, page => page.EndpointMetadata.Add(CompressOverHttpsMetadata.Instance));
        }
    }

    public static TBuilder CompressOverHttps<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CompressOverHttpsMetadata.Instance);

    /// <summary>After routing, so the endpoint's metadata is known; before the body is written, when compression decides.</summary>
    public static void UseCompressionOverHttpsWhereSafe(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.IsHttps
            && http.GetEndpoint()?.Metadata.GetMetadata<CompressOverHttpsMetadata>() is not null
            && http.Features.Get<IHttpsCompressionFeature>() is { } feature)
        {
            feature.Mode = HttpsCompressionMode.Compress;
        }
        return next(http);
    });

    private sealed class CompressOverHttpsMetadata
    {
        public static readonly CompressOverHttpsMetadata Instance = new();
    }
}
