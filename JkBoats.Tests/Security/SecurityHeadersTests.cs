using AngleSharp.Html.Parser;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Infrastructure;

namespace JkBoats.Tests.Security;

[Collection(AppCollection.Name)]
public sealed class SecurityHeadersTests(AppFixture fixture)
{
    private static readonly HtmlParser Parser = new();

    [Fact]
    public async Task Every_kind_of_page_and_answer_carries_the_security_headers()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        using var http = fixture.CreateClient();
        string[] paths =
        [
            "/", $"/departures/{departure.DepartureId}", $"/departures/{departure.DepartureId}/book", "/bookings/find",
            "/staff/signin", "/no-such-page", "/api/boats", $"/api/boats/{Guid.NewGuid()}/departures/{Guid.NewGuid()}",
            "/health/live", "/css/site.css",
        ];
        foreach (var path in paths)
        {
            using var response = await http.GetAsync(path);
            Assert.True((int)response.StatusCode < 500, $"{path} answered {(int)response.StatusCode}");
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{path}: HSTS over plain HTTP");
        }
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe", SecurityHeaders.ContentSecurityPolicy);

        using var docs = await http.GetAsync("/api/docs/index.html");
        Assert.Equal(SecurityHeaders.ApiDocsContentSecurityPolicy, Header(docs, "Content-Security-Policy"));
        Assert.DoesNotContain("unsafe-eval", SecurityHeaders.ApiDocsContentSecurityPolicy);
    }

    /// <summary>The fixture's app runs on real Kestrel (a loopback port), which adds the header unless told not to.</summary>
    [Fact]
    public async Task No_answer_names_the_web_server()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        using var http = fixture.CreateClient();
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/"), (HttpMethod.Get, $"/departures/{departure.DepartureId}/book"), (HttpMethod.Get, "/no-such-page"),
            (HttpMethod.Get, "/api/boats"), (HttpMethod.Post, "/api/bookings"), (HttpMethod.Get, "/openapi/v1.json"),
            (HttpMethod.Get, "/health/live"), (HttpMethod.Get, "/css/site.css"), (HttpMethod.Head, "/"),
        })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path));
            Assert.False(response.Headers.Contains("Server"), $"{method} {path}: Server: {string.Join(", ", response.Headers.TryGetValues("Server", out var v) ? v : [])}");
        }
    }

    [Fact]
    public async Task Pages_have_no_inline_script_style_or_event_handler_that_the_policy_would_block()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        using var http = fixture.CreateClient();
        foreach (var path in new[] { "/", $"/departures/{departure.DepartureId}", $"/departures/{departure.DepartureId}/book", "/bookings/find", "/staff/signin", "/no-such-page" })
        {
            using var response = await http.GetAsync(path);
            var document = await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
            Assert.Empty(document.QuerySelectorAll("script:not([src])").Select(e => e.OuterHtml));
            Assert.Empty(document.QuerySelectorAll("style, [style]").Select(e => e.OuterHtml));
            Assert.Empty(document.All.SelectMany(e => e.Attributes).Where(a => a.Name.StartsWith("on", StringComparison.Ordinal) || a.Name.StartsWith("hx-on", StringComparison.Ordinal)).Select(a => a.Name));
            var config = document.QuerySelector("meta[name=htmx-config]")?.GetAttribute("content");
            Assert.NotNull(config);
            using var json = System.Text.Json.JsonDocument.Parse(config);
            Assert.True(json.RootElement.TryGetProperty("allowEval", out _), $"{path}: htmx-config {config}");
            Assert.False(json.RootElement.GetProperty("allowEval").GetBoolean());
            Assert.False(json.RootElement.GetProperty("allowScriptTags").GetBoolean());
            Assert.False(json.RootElement.GetProperty("includeIndicatorStyles").GetBoolean());
        }
    }

    [Fact]
    public async Task Hsts_is_sent_over_https_as_reported_by_a_trusted_proxy_and_not_when_anyone_else_claims_it()
    {
        await using var behindProxy = new JkBoatsApp(fixture.App.ConnectionString, new Dictionary<string, string?>
        {
            ["JkBoats:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        using var viaProxy = behindProxy.CreateHttpClient();
        using var trusted = await GetAsync(viaProxy, "/", ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.9"));
        Assert.Equal(SecurityHeaders.StrictTransportSecurity, Header(trusted, "Strict-Transport-Security"));

        using var direct = fixture.CreateClient();
        using var spoofed = await GetAsync(direct, "/", ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.9"));
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return await http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri?.PathAndQuery} has no {name} header");
}
