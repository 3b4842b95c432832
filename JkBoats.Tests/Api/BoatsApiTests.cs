using System.Net;
using System.Text.Json;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class BoatsApiTests(AppFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Listing_a_day_returns_each_departure_with_its_boat_and_seats_in_the_contract_shape()
    {
        var when = DateTime.UtcNow.Date.AddDays(5).AddHours(9);
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 42, price: 31.50m, departureTime: when, hasAc: true);

        var json = await GetJsonAsync($"/api/boats?destination={Uri.EscapeDataString(departure.Destination)}&date={when:yyyy-MM-dd}");

        var boat = Assert.Single(json.GetProperty("boats").EnumerateArray());
        Assert.Equal(
            ["id", "departure_id", "name", "capacity", "available_seats", "has_ac", "price_per_seat", "departure_time", "destination", "fares"],
            boat.EnumerateObject().Select(p => p.Name));
        // Without a price list for the destination only the adult fare is sold, at price_per_seat.
        var fare = Assert.Single(boat.GetProperty("fares").EnumerateArray());
        Assert.Equal("""{"code":"adult","name":"Adult","price":31.50,"takes_seat":true}""", fare.GetRawText());
        Assert.Equal(departure.BoatId, boat.GetProperty("id").GetGuid());
        Assert.Equal(departure.DepartureId, boat.GetProperty("departure_id").GetGuid());
        Assert.Equal(departure.BoatName, boat.GetProperty("name").GetString());
        Assert.Equal(42, boat.GetProperty("capacity").GetInt32());
        Assert.Equal(42, boat.GetProperty("available_seats").GetInt32());
        Assert.True(boat.GetProperty("has_ac").GetBoolean());
        Assert.Equal(31.50m, boat.GetProperty("price_per_seat").GetDecimal());
        Assert.Equal($"{when:yyyy-MM-dd}T09:00:00Z", boat.GetProperty("departure_time").GetString());
        Assert.Equal(departure.Destination, boat.GetProperty("destination").GetString());
    }

    [Fact]
    public async Task Destination_filter_ignores_case_and_results_come_in_departure_order()
    {
        var day = DateTime.UtcNow.Date.AddDays(6);
        var late = await fixture.Data.CreateDepartureAsync(departureTime: day.AddHours(15));
        var early = await fixture.Data.AddDepartureAsync(late, day.AddHours(8));
        await fixture.Data.CreateDepartureAsync(departureTime: day.AddHours(10));

        var json = await GetJsonAsync($"/api/boats?destination={Uri.EscapeDataString(late.Destination.ToUpperInvariant())}&date={day:yyyy-MM-dd}");

        Assert.Equal([early.DepartureId, late.DepartureId],
            json.GetProperty("boats").EnumerateArray().Select(b => b.GetProperty("departure_id").GetGuid()));
    }

    [Fact]
    public async Task Past_and_cancelled_departures_are_not_listed()
    {
        var day = DateTime.UtcNow.Date.AddDays(7);
        var listed = await fixture.Data.CreateDepartureAsync(departureTime: day.AddHours(9));
        var cancelled = await fixture.Data.AddDepartureAsync(listed, day.AddHours(11));
        var departed = await fixture.Data.AddDepartureAsync(listed, day.AddHours(13));
        await fixture.Data.CancelDepartureAsync(cancelled.DepartureId);
        await fixture.Data.MoveIntoPastAsync(departed.DepartureId);

        var json = await GetJsonAsync($"/api/boats?destination={Uri.EscapeDataString(listed.Destination)}");

        Assert.Equal([listed.DepartureId], json.GetProperty("boats").EnumerateArray().Select(b => b.GetProperty("departure_id").GetGuid()));
    }

    [Fact]
    public async Task A_date_range_includes_both_end_days()
    {
        var first = DateTime.UtcNow.Date.AddDays(8);
        var a = await fixture.Data.CreateDepartureAsync(departureTime: first.AddHours(23));
        var b = await fixture.Data.AddDepartureAsync(a, first.AddDays(1).AddHours(1));
        await fixture.Data.AddDepartureAsync(a, first.AddDays(2).AddHours(1));

        var json = await GetJsonAsync($"/api/boats?destination={Uri.EscapeDataString(a.Destination)}&date_from={first:yyyy-MM-dd}&date_to={first.AddDays(1):yyyy-MM-dd}");

        Assert.Equal([a.DepartureId, b.DepartureId], json.GetProperty("boats").EnumerateArray().Select(x => x.GetProperty("departure_id").GetGuid()));
    }

    [Theory]
    [InlineData("date=2026-13-01", "date")]
    [InlineData("date=tomorrow", "date")]
    [InlineData("date_from=2030-01-05&date_to=2030-01-01", "date_to")]
    [InlineData("date=2030-01-01&date_from=2030-01-01", "date")]
    [InlineData("date_from=2030-01-01&date_to=2032-01-01", "date_to")]
    public async Task Bad_dates_get_a_validation_problem_naming_the_field(string query, string field)
    {
        var response = await _http.GetAsync($"/api/boats?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("validation_failed", json.GetProperty("error").GetString());
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), $"expected an error for {field}");
    }

    [Fact]
    public async Task Departure_details_show_the_boat_and_remaining_seats()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 12, price: 40m, hasAc: false, fares: TestData.FamilyFares, maxPersons: 15);

        var json = await GetJsonAsync($"/api/boats/{departure.BoatId}/departures/{departure.DepartureId}");

        Assert.Equal(["departure_id", "boat", "available_seats", "price_per_seat", "departure_time", "destination", "fares", "max_persons", "available_persons"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["adult 40.00 seat", "child 12.50 seat", "senior 20.00 seat", "infant 0.00 lap"],
            json.GetProperty("fares").EnumerateArray().Select(f =>
                $"{f.GetProperty("code").GetString()} {f.GetProperty("price").GetDecimal()} {(f.GetProperty("takes_seat").GetBoolean() ? "seat" : "lap")}"));
        Assert.Equal(15, json.GetProperty("max_persons").GetInt32());
        Assert.Equal(15, json.GetProperty("available_persons").GetInt32());
        Assert.Equal(departure.DepartureId, json.GetProperty("departure_id").GetGuid());
        var boat = json.GetProperty("boat");
        Assert.Equal(["id", "name", "capacity", "has_ac"], boat.EnumerateObject().Select(p => p.Name));
        Assert.Equal(departure.BoatId, boat.GetProperty("id").GetGuid());
        Assert.Equal(departure.BoatName, boat.GetProperty("name").GetString());
        Assert.Equal(12, boat.GetProperty("capacity").GetInt32());
        Assert.False(boat.GetProperty("has_ac").GetBoolean());
        Assert.Equal(12, json.GetProperty("available_seats").GetInt32());
        Assert.Equal(40m, json.GetProperty("price_per_seat").GetDecimal());
        Assert.Equal(departure.Destination, json.GetProperty("destination").GetString());
    }

    [Fact]
    public async Task Unknown_departure_or_wrong_boat_is_404_with_a_problem_body()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        string[] paths =
        [
            $"/api/boats/{departure.BoatId}/departures/{Guid.NewGuid()}",
            $"/api/boats/{Guid.NewGuid()}/departures/{departure.DepartureId}",
            $"/api/boats/not-a-uuid/departures/{departure.DepartureId}",
        ];
        foreach (var path in paths)
        {
            var response = await _http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("departure_not_found", json.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Destinations_list_each_upcoming_destination_once()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        await fixture.Data.AddDepartureAsync(departure, departure.DepartureTime.AddHours(2), departure.Destination.ToLowerInvariant());

        var json = await GetJsonAsync("/api/destinations");

        var names = json.GetProperty("destinations").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Single(names, n => string.Equals(n, departure.Destination, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
