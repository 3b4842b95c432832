using System.Net;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Security;

/// <summary>BREACH: over HTTPS a compressed page that carries a secret (the antiforgery token) next to text a visitor controls
/// leaks the secret through its size. So over HTTPS only the public listings are compressed; plain HTTP compresses all.</summary>
[Collection(AppCollection.Name)]
public sealed class CompressionOverHttpsTests(AppFixture fixture)
{
    [Fact]
    public async Task Over_https_listings_are_compressed_but_pages_with_an_antiforgery_token_are_not()
    {
        await using var behindProxy = new JkBoatsApp(fixture.App.ConnectionString, new Dictionary<string, string?>
        {
            ["JkBoats:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });
        using var http = behindProxy.CreateHttpClient();
        var departure = await fixture.Data.CreateDepartureAsync();

        Assert.Equal("br", await EncodingAsync(http, "/", https: true));
        Assert.Equal("br", await EncodingAsync(http, $"/departures/{departure.DepartureId}", https: true));
        Assert.Equal("br", await EncodingAsync(http, "/api/boats", https: true));
        Assert.Null(await EncodingAsync(http, "/bookings/find", https: true));
        Assert.Null(await EncodingAsync(http, $"/departures/{departure.DepartureId}/book", https: true));

        Assert.Equal("br", await EncodingAsync(http, "/bookings/find", https: false));
    }

    private static async Task<string?> EncodingAsync(HttpClient http, string path, bool https)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept-Encoding", "br");
        if (https)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
        }
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Content.Headers.ContentEncoding.SingleOrDefault();
    }
}
