using System.Net;
using System.Text.Json;
using JkBoats.Data.Bookings;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class BookingLookupApiTests(AppFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Looking_up_by_email_lists_booking_facts_only_upcoming_first_then_past()
    {
        var email = $"lookup.{Guid.NewGuid():N}@example.com";
        var soon = await fixture.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.Date.AddDays(2).AddHours(9));
        var later = await fixture.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.Date.AddDays(9).AddHours(9));
        var past = await fixture.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.Date.AddDays(4).AddHours(9));
        var customer = TestData.Customer(email, "Secret Name", "+14155550177");
        var codes = new Dictionary<Guid, string>();
        foreach (var departure in new[] { later, past, soon })
        {
            var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1, customer));
            codes[departure.DepartureId] = answer.Body.GetProperty("confirmation_code").GetString()!;
        }
        await fixture.Data.MoveIntoPastAsync(past.DepartureId);

        var json = await BookingApi.GetJsonAsync(_http, $"/api/bookings?email={Uri.EscapeDataString(email.ToUpperInvariant())}");

        var bookings = json.GetProperty("bookings").EnumerateArray().ToList();
        Assert.Equal(new[] { soon.DepartureId, later.DepartureId, past.DepartureId }.Select(d => ConfirmationCode.Mask(codes[d])),
            bookings.Select(b => b.GetProperty("confirmation_code").GetString()));
        Assert.All(codes.Values, code => Assert.DoesNotContain(code, json.GetRawText()));
        Assert.Equal(["booking_id", "confirmation_code", "departure_time", "destination", "seats_booked", "status", "created_at"],
            bookings[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(soon.Destination, bookings[0].GetProperty("destination").GetString());
        Assert.Equal("confirmed", bookings[0].GetProperty("status").GetString());
        Assert.Equal(1, bookings[0].GetProperty("seats_booked").GetInt32());
        Assert.DoesNotContain("Secret Name", json.GetRawText());
        Assert.DoesNotContain("4155550177", json.GetRawText());
    }

    [Fact]
    public async Task Looking_up_by_phone_matches_the_number_in_any_format()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        var phone = $"+1415555{Random.Shared.Next(1000, 9999)}";
        var booked = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2, TestData.Customer(phone: phone)));
        var local = $"({phone[2..5]}) {phone[5..8]}-{phone[8..]}";

        var json = await BookingApi.GetJsonAsync(_http, $"/api/bookings?phone={Uri.EscapeDataString(local)}");

        Assert.Contains(json.GetProperty("bookings").EnumerateArray(),
            b => b.GetProperty("booking_id").GetGuid() == booked.Body.GetProperty("booking_id").GetGuid());
    }

    [Fact]
    public async Task An_unknown_email_gets_an_empty_list_in_the_same_shape()
    {
        var json = await BookingApi.GetJsonAsync(_http, $"/api/bookings?email=nobody.{Guid.NewGuid():N}@example.com");

        Assert.Equal(["bookings"], json.EnumerateObject().Select(p => p.Name));
        Assert.Empty(json.GetProperty("bookings").EnumerateArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?email=a@example.com&phone=%2B14155550132")]
    [InlineData("?email=not-an-email")]
    [InlineData("?phone=12")]
    public async Task A_lookup_needs_exactly_one_valid_email_or_phone(string query)
    {
        var response = await _http.GetAsync($"/api/bookings{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("validation_failed", json.GetProperty("error").GetString());
    }
}

public sealed class BookingLookupRateLimitTests : IAsyncLifetime
{
    private JkBoatsApp _app = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_ratelimit");
        _app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:RateLimits:LookupsPerMinute"] = "3" });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Lookups_beyond_the_limit_get_429_with_retry_after()
    {
        var http = _app.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await http.GetAsync($"/api/bookings?email=someone{i}@example.com");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.Contains("Retry-After"));
        var json = JsonDocument.Parse(await last.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate_limited", json.GetProperty("error").GetString());
    }
}
