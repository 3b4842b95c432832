using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Parser;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Pages;

/// <summary>The listing as a browser gets it from the app run the way ./scripts/run.sh and the benchmark run it (the Release build
/// output in Production): compressed HTML, and CSS and JS under fingerprinted URLs, cached for good, precompressed.</summary>
public sealed class StaticAssetsAndCompressionTests
{
    private static readonly TimeSpan AYear = TimeSpan.FromDays(365);

    [Fact]
    public async Task The_listing_is_compressed_and_its_css_and_js_have_fingerprinted_immutable_precompressed_urls()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_assets");
        await using var app = await AppProcess.StartAsync(connectionString);
        using var http = app.CreateHttpClient();

        foreach (var encoding in new[] { "br", "gzip" })
        {
            using var listing = await GetAsync(http, "/", encoding);
            Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
            Assert.Equal([encoding], listing.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", listing.Headers.Vary);
            var document = new HtmlParser().ParseDocument(Decompress(await listing.Content.ReadAsByteArrayAsync(), encoding));
            Assert.Equal("departure-list", document.QuerySelector("section#departure-list")?.Id);

            string[] assets =
            [
                document.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!,
                .. document.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!),
            ];
            Assert.Equal(3, assets.Length); // site.css, htmx, site.js
            foreach (var asset in assets)
            {
                var plainPath = Unfingerprinted(asset);
                Assert.NotEqual(plainPath, asset);

                using var compressed = await GetAsync(http, asset, encoding);
                Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
                Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
                var cache = compressed.Headers.CacheControl;
                Assert.NotNull(cache);
                Assert.Contains(cache.Extensions, e => e.Name == "immutable");
                Assert.True(cache.MaxAge >= AYear, $"{asset}: Cache-Control {cache}");
                // Precompressed at build: a file of known length. Compression on the fly streams it chunked, length unknown.
                var body = await compressed.Content.ReadAsByteArrayAsync();
                Assert.NotEqual(true, compressed.Headers.TransferEncodingChunked);
                Assert.True(compressed.Content.Headers.NonValidated.TryGetValues("Content-Length", out var length), $"{asset}: no Content-Length");
                Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), length.ToString());

                using var plain = await GetAsync(http, plainPath, encoding: null);
                Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
                Assert.Equal(await plain.Content.ReadAsStringAsync(), Decompress(body, encoding));
            }
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (encoding is not null)
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        }
        return await http.SendAsync(request);
    }

    /// <summary>/css/site.67ttvmpmv8.css → /css/site.css</summary>
    private static string Unfingerprinted(string path)
    {
        var folder = path[..(path.LastIndexOf('/') + 1)];
        var parts = path[folder.Length..].Split('.');
        return parts.Length >= 3 ? folder + string.Join('.', parts[..^2].Append(parts[^1])) : path;
    }

    private static string Decompress(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decompressing = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(decompressing);
        return reader.ReadToEnd();
    }
}
