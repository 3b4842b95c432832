using System.Text.Json;
using Dapper;
using JkBoats.Data.Inventory;
using Microsoft.Extensions.DependencyInjection;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Api;

/// <summary>Bookings with a passenger list: fares priced under the departure's lock, seats and persons on board both limited,
/// refusals that name the passenger and write nothing, idempotency over the whole list.</summary>
[Collection(AppCollection.Name)]
public sealed class PassengerBookingApiTests(AppFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static object Family(Guid departureId, object? customer = null, int? seats = null) => new Dictionary<string, object?>
    {
        ["departure_id"] = departureId,
        ["customer"] = customer ?? TestData.Customer(fullName: "Ana Doe"),
        ["passengers"] = new object[]
        {
            new { fare = "adult", full_name = "Ana Doe", needs = (string?)null },
            new { fare = "adult", full_name = (string?)null, needs = (string?)null },
            new { fare = "child", full_name = "Rui Doe", needs = "other", needs_note = "Gets seasick" },
            new { fare = "infant", full_name = "Mia Doe", needs = (string?)null },
        },
        ["seats_requested"] = seats,
    }.Where(p => p.Value is not null).ToDictionary();

    [Fact]
    public async Task A_family_of_two_adults_a_child_and_an_infant_pays_two_adult_fares_a_child_fare_and_nothing_for_the_lap()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 25.00m, fares: TestData.FamilyFares, maxPersons: 12);

        var answer = await BookingApi.PostAsync(_http, Family(departure.DepartureId));

        Assert.Equal(201, answer.Status);
        Assert.Equal(["booking_id", "status", "confirmation_code", "departure", "seats_booked", "total_price", "customer", "passengers"],
            answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, answer.Body.GetProperty("seats_booked").GetInt32());
        Assert.Equal(62.50m, answer.Body.GetProperty("total_price").GetDecimal());
        Assert.Equal(
            ["""{"fare":"adult","full_name":"Ana Doe","price":25.00}""", """{"fare":"adult","full_name":null,"price":25.00}""",
             """{"fare":"child","full_name":"Rui Doe","price":12.50}""", """{"fare":"infant","full_name":"Mia Doe","price":0.00}"""],
            answer.Body.GetProperty("passengers").EnumerateArray().Select(p => p.GetRawText()));

        Assert.Equal(new SeatState(10, 7, 3, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
        Assert.Equal(new TestData.PersonState(12, 8, 4, 3, 4), await fixture.Data.PersonStateAsync(departure.DepartureId));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(string Fare, bool TakesSeat, string? Needs, string? Note, decimal Price)>("""
            select f.code, p.takes_seat, p.needs, p.needs_note, p.price from passengers p join fare_types f on f.id = p.fare_type_id
            where p.booking_id = @id order by p.position
            """, new { id = answer.Body.GetProperty("booking_id").GetGuid() })).AsList();
        Assert.Equal([("adult", true, null, null, 25.00m), ("adult", true, null, null, 25.00m), ("child", true, "other", "Gets seasick", 12.50m),
            ("infant", false, null, null, 0.00m)], stored);
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task Without_a_passenger_list_the_request_books_that_many_adults_named_after_the_booker_and_answers_as_before()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 30.00m, fares: TestData.FamilyFares);

        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2, TestData.Customer(fullName: "Lead Booker")));

        Assert.Equal(201, answer.Status);
        Assert.False(answer.Body.TryGetProperty("passengers", out _), "the document's answer gained a field for a request without passengers");
        Assert.Equal(60.00m, answer.Body.GetProperty("total_price").GetDecimal());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(string Fare, string? Name, decimal Price)>("""
            select f.code, p.full_name, p.price from passengers p join fare_types f on f.id = p.fare_type_id
            where p.booking_id = @id order by p.position
            """, new { id = answer.Body.GetProperty("booking_id").GetGuid() })).AsList();
        Assert.Equal([("adult", "Lead Booker", 30.00m), ("adult", null, 30.00m)], stored);
    }

    [Theory]
    [InlineData("""[{"fare":"adult"},{"fare":"child"}]""", 3, "seats_requested")]
    [InlineData("""[{"fare":"adult"},{"fare":"pirate"}]""", null, "passengers[1].fare")]
    [InlineData("""[{"fare":"inactive_test"}]""", null, "passengers[0].fare")]
    [InlineData("""[{"full_name":"No Fare"}]""", null, "passengers[0].fare")]
    [InlineData("""[{"fare":"infant"}]""", null, "passengers")]
    [InlineData("""[{"fare":"adult"},{"fare":"infant"},{"fare":"infant"}]""", null, "passengers")]
    [InlineData("""[]""", null, "passengers")]
    [InlineData("""[{"fare":"adult","needs":"jetpack"}]""", null, "passengers[0].needs")]
    [InlineData("""[{"fare":"adult","needs":"other","needs_note":"NOTE201"}]""", null, "passengers[0].needs_note")]
    [InlineData("""[{"fare":"adult","birth_year":1800}]""", null, "passengers[0].birth_year")]
    [InlineData("""[{"fare":"adult"},{"fare":"child","full_name":"Kid\u202eDoe"}]""", null, "passengers[1].full_name")]
    [InlineData("""[{"fare":"adult","Full_Name":"Case"}]""", null, "passengers[0].full_name")]
    [InlineData("""[{"fare":"adult","fare":"child"}]""", null, "passengers[0].fare")]
    [InlineData("""[{"fare":"adult","birth_year":"1990"}]""", null, "passengers[0].birth_year")]
    [InlineData("""[7]""", null, "passengers[0]")]
    [InlineData("""{"fare":"adult"}""", null, "passengers")]
    public async Task A_passenger_list_that_breaks_a_rule_gets_a_validation_problem_for_that_passenger_and_books_nothing(
        string passengers, int? seats, string field)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, fares: TestData.FamilyFares);
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                insert into fare_types (code, name, takes_seat, sort_order, is_active) values ('inactive_test', 'Old fare', true, 90, false)
                on conflict (code) do nothing
                """);
        }
        var customer = JsonSerializer.Serialize(TestData.Customer());
        var json = $$"""{"departure_id":"{{departure.DepartureId}}",{{(seats is null ? "" : $"\"seats_requested\":{seats},")}}"customer":{{customer}},"passengers":{{passengers.Replace("NOTE201", new string('n', 201))}}}""";

        var answer = await BookingApi.PostRawAsync(_http, json);

        Assert.Equal(400, answer.Status);
        Assert.Equal("validation_failed", answer.Body.GetProperty("error").GetString());
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(field, out _), $"expected an error for {field}, got {answer.Body.GetRawText()}");
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_fare_the_departure_does_not_sell_is_refused_under_the_lock_for_that_passenger()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10); // no price list: adults only

        var answer = await BookingApi.PostAsync(_http, Family(departure.DepartureId));

        Assert.Equal(400, answer.Status);
        Assert.Equal("This departure does not sell the fare \"child\".",
            answer.Body.GetProperty("errors").GetProperty("passengers[2].fare")[0].GetString());
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task More_persons_than_the_boat_may_carry_is_insufficient_capacity_with_the_seats_and_persons_left()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 4, fares: TestData.FamilyFares, maxPersons: 5);
        var first = await BookingApi.PostRawAsync(_http, $$"""
            {"departure_id":"{{departure.DepartureId}}","customer":{{JsonSerializer.Serialize(TestData.Customer())}},
             "passengers":[{"fare":"adult"},{"fare":"adult"},{"fare":"adult"},{"fare":"infant"},{"fare":"infant"}]}
            """);
        Assert.Equal(201, first.Status);

        var family = await BookingApi.PostRawAsync(_http, $$"""
            {"departure_id":"{{departure.DepartureId}}","customer":{{JsonSerializer.Serialize(TestData.Customer())}},
             "passengers":[{"fare":"adult"},{"fare":"infant"}]}
            """);
        var adult = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1));

        Assert.Equal(400, family.Status);
        Assert.Equal(["error", "message", "available_seats", "available_persons"], family.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("insufficient_capacity", 1, 0), (family.Body.GetProperty("error").GetString(),
            family.Body.GetProperty("available_seats").GetInt32(), family.Body.GetProperty("available_persons").GetInt32()));
        Assert.Contains("persons", family.Body.GetProperty("message").GetString());
        // The document's request is told how many adults it could still book: none, the boat is full of persons.
        Assert.Equal(400, adult.Status);
        Assert.Equal(["error", "message", "available_seats"], adult.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, adult.Body.GetProperty("available_seats").GetInt32());
        Assert.Equal(new TestData.PersonState(5, 0, 5, 3, 5), await fixture.Data.PersonStateAsync(departure.DepartureId));
        Assert.Equal(new SeatState(4, 1, 3, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task An_idempotency_key_covers_the_passenger_list_a_replay_returns_it_and_a_different_list_is_422()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, fares: TestData.FamilyFares, maxPersons: 12);
        var customer = TestData.Customer(fullName: "Ana Doe");
        var key = Guid.NewGuid().ToString();

        var first = await BookingApi.PostAsync(_http, Family(departure.DepartureId, customer), key);
        var again = await BookingApi.PostAsync(_http, Family(departure.DepartureId, customer, seats: 3), key);
        var changed = await BookingApi.PostRawAsync(_http, $$"""
            {"departure_id":"{{departure.DepartureId}}","customer":{{JsonSerializer.Serialize(customer)}},
             "passengers":[{"fare":"adult","full_name":"Ana Doe"},{"fare":"adult"},{"fare":"child","full_name":"Rui Doe","needs":"other","needs_note":"Gets seasick"},{"fare":"child","full_name":"Mia Doe"}]}
            """, key);

        Assert.Equal(201, first.Status);
        Assert.Equal(201, again.Status);
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal("true", again.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(422, changed.Status);
        Assert.Equal(new SeatState(10, 7, 3, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
        Assert.Equal(new TestData.PersonState(12, 8, 4, 3, 4), await fixture.Data.PersonStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Cancelling_a_family_returns_its_seats_and_persons_and_moving_it_reprices_every_passenger_at_the_new_departures_fares()
    {
        var inventory = fixture.App.Services.GetRequiredService<SeatInventory>();
        var first = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 25.00m, fares: TestData.FamilyFares, maxPersons: 12);
        var dearer = await fixture.Data.CreateDepartureAsync(capacity: 3, price: 30.00m, maxPersons: 4,
            fares: new Dictionary<string, decimal> { ["child"] = 15.00m, ["infant"] = 0m });
        var cancelled = await BookingApi.PostAsync(_http, Family(first.DepartureId));
        var moved = await BookingApi.PostAsync(_http, Family(first.DepartureId));

        var cancel = await inventory.CancelBookingAsync(cancelled.Body.GetProperty("booking_id").GetGuid(), "test", "test", null, CancellationToken.None);
        var move = await inventory.MoveBookingAsync(moved.Body.GetProperty("booking_id").GetGuid(), dearer.DepartureId, "test", CancellationToken.None);

        Assert.Equal((ChangeResult.Done, ChangeResult.Done), (cancel.Result, move.Result));
        Assert.Equal(new TestData.PersonState(12, 12, 0, 0, 0), await fixture.Data.PersonStateAsync(first.DepartureId));
        Assert.Equal(new TestData.PersonState(4, 0, 4, 3, 4), await fixture.Data.PersonStateAsync(dearer.DepartureId));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(75.00m, await connection.ExecuteScalarAsync<decimal>(
            "select total_price from bookings where id = @id", new { id = moved.Body.GetProperty("booking_id").GetGuid() }));
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());

        // A third family does not fit the persons left on the smaller boat, however many seats it has.
        var again = await BookingApi.PostAsync(_http, Family(first.DepartureId));
        var refused = await inventory.MoveBookingAsync(again.Body.GetProperty("booking_id").GetGuid(), dearer.DepartureId, "test", CancellationToken.None);
        Assert.Equal(ChangeResult.NotEnoughSeats, refused.Result);
    }
}
