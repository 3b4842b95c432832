using System.Text.RegularExpressions;
using System.Net;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Pages;

[Collection(SiteCollection.Name)]
public sealed class DeparturePagesTests(AppFixture site) : IDisposable
{
    private readonly SiteSession _visitor = site.NewSession();

    private static string Day(DateTime utc) => utc.ToString("yyyy-MM-dd");

    private static string Search(TestDeparture departure) =>
        $"/?destination={Uri.EscapeDataString(departure.Destination)}&date={Day(departure.DepartureTime)}";

    [Fact]
    public async Task The_list_shows_each_departure_with_boat_time_destination_AC_price_and_seats_left()
    {
        var when = DateTime.UtcNow.Date.AddDays(10).AddHours(9).AddMinutes(30);
        var departure = await site.Data.CreateDepartureAsync(capacity: 42, price: 31.50m, departureTime: when, hasAc: true);
        var later = await site.Data.AddDepartureAsync(departure, when.AddHours(5), price: 12m);

        var page = await _visitor.GetAsync(Search(departure));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var cards = page.All("#departure-list li[data-departure-id]");
        Assert.Equal([departure.DepartureId.ToString(), later.DepartureId.ToString()], cards.Select(c => c.GetAttribute("data-departure-id")));
        var first = cards[0];
        Assert.Equal("09:30", first.QuerySelector("time")!.TextContent.Trim());
        Assert.Equal(departure.BoatName, first.QuerySelector("[data-boat]")!.TextContent.Trim());
        Assert.Equal(departure.Destination, first.QuerySelector("[data-destination]")!.TextContent.Trim());
        Assert.Contains("Air-conditioned", first.TextContent);
        Assert.Equal("$31.50", first.QuerySelector("[data-price]")!.TextContent.Trim());
        Assert.Equal("42 seats left", first.QuerySelector("[data-seats]")!.TextContent.Trim());
        Assert.Equal($"/departures/{departure.DepartureId}", first.QuerySelector("a.btn")!.GetAttribute("href"));
        Assert.Equal("$12.00", cards[1].QuerySelector("[data-price]")!.TextContent.Trim());
        Assert.Equal(departure.Destination, ((AngleSharp.Html.Dom.IHtmlSelectElement)page.Get("#destination")).Value);
        Assert.Equal(Day(when), page.Get("#date").GetAttribute("value"));
    }

    [Fact]
    public async Task Few_seats_are_highlighted_and_a_sold_out_departure_cannot_be_selected()
    {
        var when = DateTime.UtcNow.Date.AddDays(11).AddHours(8);
        var few = await site.Data.CreateDepartureAsync(capacity: 6, departureTime: when);
        var full = await site.Data.AddDepartureAsync(few, when.AddHours(3));
        await site.TakeSeatsAsync(few.DepartureId, 4);
        await site.TakeSeatsAsync(full.DepartureId, 6);

        var page = await _visitor.GetAsync(Search(few));

        var cards = page.All("li[data-departure-id]");
        Assert.Equal("Only 2 left", cards[0].QuerySelector("[data-seats]")!.TextContent.Trim());
        Assert.Contains("amber", cards[0].QuerySelector("[data-seats]")!.ClassName);
        Assert.Equal("Sold out", cards[1].QuerySelector("[data-seats]")!.TextContent.Trim());
        Assert.Null(cards[1].QuerySelector("a"));
        Assert.Single(Regex.Matches(cards[1].TextContent, "Sold out")); // said once, on the badge
    }

    [Fact]
    public async Task An_htmx_filter_request_gets_only_the_list_fragment_and_the_response_varies_on_HX_Request()
    {
        var departure = await site.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.Date.AddDays(12).AddHours(10));

        var fragment = await _visitor.GetAsync(Search(departure), htmx: true);
        var full = await _visitor.GetAsync(Search(departure));

        Assert.True(fragment.HasVaryHxRequest);
        Assert.True(full.HasVaryHxRequest);
        Assert.Null(fragment.Find("header"));
        Assert.Null(fragment.Find("h1"));
        Assert.Equal("departure-list", fragment.Document.Body!.Children.Single().Id);
        Assert.Single(fragment.All("li[data-departure-id]"));
        Assert.NotNull(full.Find("header"));
        Assert.Equal("/", full.Get("#search-form").GetAttribute("hx-get"));
        Assert.Equal("true", full.Get("#search-form").GetAttribute("hx-push-url"));
    }

    [Fact]
    public async Task A_day_without_departures_offers_the_next_date_with_seats()
    {
        var when = DateTime.UtcNow.Date.AddDays(20).AddHours(14);
        var departure = await site.Data.CreateDepartureAsync(departureTime: when);

        var page = await _visitor.GetAsync($"/?destination={Uri.EscapeDataString(departure.Destination)}&date={Day(when.AddDays(-3))}");

        Assert.Empty(page.All("li[data-departure-id]"));
        Assert.NotNull(page.Find("#empty-state"));
        Assert.Equal($"/?destination={Uri.EscapeDataString(departure.Destination)}&date={Day(when)}", page.Get("#next-date").GetAttribute("href"));
    }

    [Fact]
    public async Task The_weekend_quick_pick_covers_saturday_and_sunday()
    {
        var page = await _visitor.GetAsync("/");

        var picks = page.All("nav[aria-label='Quick dates'] a");
        Assert.Equal(["Today", "Tomorrow", "This weekend"], picks.Select(p => p.TextContent.Trim()));
        Assert.Equal("true", picks[0].GetAttribute("aria-current"));
        var weekend = picks[2].GetAttribute("href")!;
        var saturdayOrSunday = DateOnly.ParseExact(weekend.Split("date=")[1][..10], "yyyy-MM-dd");
        Assert.Contains(saturdayOrSunday.DayOfWeek, new[] { DayOfWeek.Saturday, DayOfWeek.Sunday });
    }

    [Fact]
    public async Task The_seat_poll_returns_out_of_band_badges_with_current_counts()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 9, departureTime: DateTime.UtcNow.Date.AddDays(13).AddHours(9));
        var list = await _visitor.GetAsync(Search(departure));
        var poll = list.Get("[data-poll]").GetAttribute("hx-get")!;
        await site.TakeSeatsAsync(departure.DepartureId, 5);

        var update = await _visitor.GetAsync(poll, htmx: true);

        var badge = update.Get($"#seats-{departure.DepartureId}");
        Assert.Equal("true", badge.GetAttribute("hx-swap-oob"));
        Assert.Equal("Only 4 left", badge.QuerySelector("[data-seats]")!.TextContent.Trim());
        Assert.Null(update.Find("header"));
    }

    [Fact]
    public async Task The_departure_page_shows_details_live_seats_and_a_book_button()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 12, price: 40m, hasAc: false, departureTime: DateTime.UtcNow.Date.AddDays(14).AddHours(16));

        var page = await _visitor.GetAsync($"/departures/{departure.DepartureId}");
        await site.TakeSeatsAsync(departure.DepartureId, 12);
        var seats = await _visitor.GetAsync(page.Get("#departure-seats").GetAttribute("hx-get")!, htmx: true);

        Assert.Equal(departure.Destination, page.Text("h1"));
        Assert.Equal(departure.BoatName, page.Text("[data-boat]"));
        Assert.Equal("$40.00", page.Text("[data-price]"));
        Assert.Contains("no AC", page.Get("article").TextContent);
        Assert.Equal("12 seats left", page.Text("#departure-seats [data-seats]"));
        Assert.Equal($"/departures/{departure.DepartureId}/book", page.Get("#book-seats").GetAttribute("href"));
        Assert.Equal("every 5s", page.Get("#departure-seats").GetAttribute("hx-trigger"));
        Assert.Equal("polite", page.Get("#departure-seats").ParentElement!.GetAttribute("aria-live"));

        Assert.True(seats.HasVaryHxRequest);
        Assert.Equal("departure-seats", seats.Document.Body!.Children.Single().Id);
        Assert.Equal("Sold out", seats.Text("[data-seats]"));
        Assert.Null(seats.Find("#book-seats"));
    }

    [Fact]
    public async Task Unknown_pages_and_departures_get_a_404_in_the_site_style()
    {
        foreach (var path in new[] { $"/departures/{Guid.NewGuid()}", "/no-such-page", "/bookings/manage/not-a-token" })
        {
            var page = await _visitor.GetAsync(path);

            Assert.Equal(HttpStatusCode.NotFound, page.Status);
            Assert.Equal("Page not found", page.Text("h1"));
            Assert.NotNull(page.Find("header nav"));
            var stylesheet = page.Get("link[rel=stylesheet]").GetAttribute("href")!;
            Assert.StartsWith("/css/site.", stylesheet);
            Assert.EndsWith(".css", stylesheet);
            Assert.NotEqual("/css/site.css", stylesheet); // the fingerprinted name
        }
    }

    public void Dispose() => _visitor.Dispose();
}
