using System.Diagnostics;
using System.Text.Json;
using AngleSharp.Dom;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>A look-up tells a stranger nothing about whether an address is known, beyond the bookings it returns.</summary>
[Collection(AppCollection.Name)]
public sealed class LookupEnumerationTests(AppFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Known_and_unknown_contacts_get_answers_of_the_same_shape_status_headers_and_speed()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        var known = $"known-{Guid.NewGuid():N}@example.com";
        var knownPhone = $"+442079460{Random.Shared.Next(0, 1000):000}"; // a range kept for fiction, used by no other test
        using var http = fixture.CreateClient();
        Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email: known, phone: knownPhone)))).Status);
        var unknown = $"unknown-{Guid.NewGuid():N}@example.com";

        foreach (var (hit, miss) in new[] { ($"email={known}", $"email={unknown}"), ($"phone={Uri.EscapeDataString(knownPhone)}", $"phone={Uri.EscapeDataString("+442079461999")}") })
        {
            var a = await GetAsync(http, $"/api/bookings?{hit}");
            var b = await GetAsync(http, $"/api/bookings?{miss}");
            Assert.Equal(a.Status, b.Status);
            Assert.Equal(a.HeaderNames, b.HeaderNames);
            Assert.Equal(["bookings"], a.Body.EnumerateObject().Select(p => p.Name));
            Assert.Equal(["bookings"], b.Body.EnumerateObject().Select(p => p.Name));
            Assert.Equal(1, a.Body.GetProperty("bookings").GetArrayLength());
            Assert.Equal(0, b.Body.GetProperty("bookings").GetArrayLength());
        }

        // Timing: medians over a few rounds, interleaved, should not tell the two apart by a margin worth measuring.
        var hits = new List<double>();
        var misses = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            hits.Add((await GetAsync(http, $"/api/bookings?email={known}")).Millis);
            misses.Add((await GetAsync(http, $"/api/bookings?email=other-{i}-{unknown}")).Millis);
        }
        var (hitMedian, missMedian) = (hits.Order().ElementAt(7), misses.Order().ElementAt(7));
        output.WriteLine($"median answer: known {hitMedian:0.0} ms, unknown {missMedian:0.0} ms");
        Assert.True(Math.Abs(hitMedian - missMedian) < 25, $"known {hitMedian} ms vs unknown {missMedian} ms");

        using var visitor = new SiteSession(fixture.App.BaseAddress);
        var find = await visitor.GetAsync("/bookings/find");
        var pageHit = await visitor.SubmitAsync(find.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = known });
        var pageMiss = await visitor.SubmitAsync(find.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = unknown });
        Assert.Equal(pageHit.Status, pageMiss.Status);
        Assert.Equal(Skeleton(pageHit.Get("main").Children.First()), Skeleton(pageMiss.Get("main").Children.First()));
    }

    private static async Task<(int Status, string[] HeaderNames, JsonElement Body, double Millis)> GetAsync(HttpClient http, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        var took = clock.Elapsed.TotalMilliseconds;
        var names = response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key))
            .Where(n => n is not ("Date" or "Content-Length")).Order().ToArray();
        return ((int)response.StatusCode, names, JsonDocument.Parse(text).RootElement.Clone(), took);
    }

    /// <summary>The page's outline (tags, ids, the form as sent back) down to the live region that holds the results themselves.</summary>
    private static string Skeleton(IElement element) =>
        element.HasAttribute("aria-live")
            ? "<results>"
            : $"<{element.LocalName}#{element.Id}{(element.LocalName == "input" && element.GetAttribute("name") != "contact" ? "=" + element.GetAttribute("value")?.Length : "")}>"
              + string.Concat(element.Children.Select(Skeleton));
}
