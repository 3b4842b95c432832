using System.Text.Json;
using Dapper;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class BookingsApiTests(AppFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Booking_seats_returns_201_with_every_contract_field_and_takes_the_seats()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 20, price: 25.00m);
        var email = $"john.{Guid.NewGuid():N}@example.com";

        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2,
            new { email = email.ToUpperInvariant(), full_name = "  John Doe ", phone = "(415) 555-0132" }));

        Assert.Equal(201, answer.Status);
        var body = answer.Body;
        Assert.Equal(["booking_id", "status", "confirmation_code", "departure", "seats_booked", "total_price", "customer"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("confirmed", body.GetProperty("status").GetString());
        Assert.Matches("^JKB-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$", body.GetProperty("confirmation_code").GetString());
        var booked = body.GetProperty("departure");
        Assert.Equal(departure.BoatName, booked.GetProperty("boat_name").GetString());
        Assert.Equal(departure.DepartureTime, booked.GetProperty("departure_time").GetDateTime().ToUniversalTime());
        Assert.EndsWith("Z", booked.GetProperty("departure_time").GetString());
        Assert.Equal(departure.Destination, booked.GetProperty("destination").GetString());
        Assert.Equal(2, body.GetProperty("seats_booked").GetInt32());
        Assert.Equal(50.00m, body.GetProperty("total_price").GetDecimal());
        Assert.Equal(["email", "full_name"], body.GetProperty("customer").EnumerateObject().Select(p => p.Name));
        Assert.Equal(email, body.GetProperty("customer").GetProperty("email").GetString());
        Assert.Equal("John Doe", body.GetProperty("customer").GetProperty("full_name").GetString());

        var state = await fixture.Data.SeatStateAsync(departure.DepartureId);
        Assert.Equal(new SeatState(20, 18, 2, 1), state);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Phone, string Channel, decimal Total)>(
            "select phone, channel, total_price from bookings where id = @id", new { id = body.GetProperty("booking_id").GetGuid() });
        Assert.Equal(("+14155550132", "api", 50.00m), stored);
    }

    [Fact]
    public async Task A_returning_customer_is_reused_by_email_and_earlier_bookings_keep_their_details()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        var email = $"repeat.{Guid.NewGuid():N}@example.com";
        var first = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Grace Hopper", phone = "+14155550101" }));
        var second = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1, new { email = email.ToUpperInvariant(), full_name = "Grace B. Hopper", phone = "+14155550199" }));

        Assert.Equal(201, first.Status);
        Assert.Equal(201, second.Status);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(Guid CustomerId, string FullName, string Phone)>(
            "select customer_id, full_name, phone from bookings where lower(email) = @email order by created_at", new { email })).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows[0].CustomerId, rows[1].CustomerId);
        Assert.Equal(("Grace Hopper", "+14155550101"), (rows[0].FullName, rows[0].Phone));
        Assert.Equal(("Grace B. Hopper", "+14155550199"), (rows[1].FullName, rows[1].Phone));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from customers where lower(email) = @email", new { email }));
    }

    [Fact]
    public async Task Asking_for_more_seats_than_are_left_gets_the_insufficient_capacity_body_and_writes_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 3);
        Assert.Equal(201, (await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2))).Status);
        var bookingsBefore = await fixture.Data.CountAsync("bookings");
        var customersBefore = await fixture.Data.CountAsync("customers");

        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2));

        Assert.Equal(400, answer.Status);
        Assert.Equal(["error", "message", "available_seats"], answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("insufficient_capacity", answer.Body.GetProperty("error").GetString());
        Assert.Equal("Only 1 seat available, but 2 requested", answer.Body.GetProperty("message").GetString());
        Assert.Equal(1, answer.Body.GetProperty("available_seats").GetInt32());
        Assert.Equal(bookingsBefore, await fixture.Data.CountAsync("bookings"));
        Assert.Equal(customersBefore, await fixture.Data.CountAsync("customers"));
        Assert.Equal(1, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    public static TheoryData<string, string> InvalidFields() => new()
    {
        { """{"seats_requested":2,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "departure_id" },
        { """{"departure_id":"DEP","seats_requested":0,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":-3,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":11,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"not-an-email","full_name":"A","phone":"+14155550132"}}""", "customer.email" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"a@localhost","full_name":"A","phone":"+14155550132"}}""", "customer.email" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"full_name":"A","phone":"+14155550132"}}""", "customer.email" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","full_name":"   ","phone":"+14155550132"}}""", "customer.full_name" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","full_name":"Bad\u0007Name","phone":"+14155550132"}}""", "customer.full_name" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","full_name":"A","phone":"+1234567890"}}""", "customer.phone" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","full_name":"A","phone":"call me"}}""", "customer.phone" },
        { """{"departure_id":"DEP","seats_requested":2}""", "customer.email" },
        { """{"departure_id":"DEP","seats_requested":"two","customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":2.5,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"not-a-uuid","seats_requested":2,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "departure_id" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":"Ada"}""", "customer" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Invalid_input_gets_a_validation_problem_for_that_field_and_writes_nothing(string template, string field)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var before = await fixture.Data.CountAsync("bookings");

        var answer = await BookingApi.PostRawAsync(_http, template.Replace("DEP", departure.DepartureId.ToString()));

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("validation_failed", answer.Body.GetProperty("error").GetString());
        var errors = answer.Body.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field} in {errors}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        Assert.Equal(before, await fixture.Data.CountAsync("bookings"));
        Assert.Equal(10, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    public static TheoryData<string, string> AmbiguousBodies() => new()
    {
        { """{"departure_id":"UNKNOWN","departure_id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "departure_id" },
        { """{"departure_id":"DEP","seats_requested":1,"seats_requested":3,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","email":"b@example.com","full_name":"A","phone":"+14155550132"}}""", "customer.email" },
        { """{"departure_id":"DEP","SEATS_REQUESTED":2,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"Departure_Id":"DEP","seats_requested":2,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "departure_id" },
        { """{"departure_id":"DEP","seats_requested":1,"Seats_Requested":3,"customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":2,"customer":{"EMAIL":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "customer.email" },
        { """{"departure_id":"DEP","seats_requested":"2","customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
        { """{"departure_id":"DEP","seats_requested":"0x2","customer":{"email":"a@example.com","full_name":"A","phone":"+14155550132"}}""", "seats_requested" },
    };

    /// <summary>Duplicate properties, names in another case and numbers in strings: a proxy and the app could read them differently.</summary>
    [Theory]
    [MemberData(nameof(AmbiguousBodies))]
    public async Task A_body_that_readers_could_read_differently_gets_a_validation_problem_and_books_nothing(string template, string field)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);

        var answer = await BookingApi.PostRawAsync(_http, template.Replace("UNKNOWN", Guid.NewGuid().ToString()).Replace("DEP", departure.DepartureId.ToString()));

        Assert.Equal(400, answer.Status);
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("validation_failed", answer.Body.GetProperty("error").GetString());
        Assert.Equal(400, answer.Body.GetProperty("status").GetInt32());
        var errors = answer.Body.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field} in {errors}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task The_booking_answer_writes_its_numbers_as_plain_json_numbers()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 25.00m);

        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2));

        Assert.Equal(201, answer.Status);
        Assert.Equal(JsonValueKind.Number, answer.Body.GetProperty("total_price").ValueKind);
        Assert.Equal("50.00", answer.Body.GetProperty("total_price").GetRawText());
        Assert.Equal("2", answer.Body.GetProperty("seats_booked").GetRawText());
    }

    [Theory]
    [InlineData("{\"departure_id\":", "malformed_json")]
    [InlineData("[1,2,3]", "malformed_json")]
    [InlineData("null", "malformed_json")]
    [InlineData("", "malformed_json")]
    public async Task Malformed_json_gets_a_clear_400(string json, string error)
    {
        var answer = await BookingApi.PostRawAsync(_http, json);

        Assert.Equal(400, answer.Status);
        Assert.Equal(error, answer.Body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(answer.Body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_a_non_json_body_is_415()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        var huge = JsonSerializer.Serialize(BookingApi.Body(departure.DepartureId, 1, new { email = "a@example.com", full_name = new string('x', 40_000), phone = "+14155550132" }));

        var tooLarge = await BookingApi.PostRawAsync(_http, huge);
        var notJson = await BookingApi.PostRawAsync(_http, "departure_id=1", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(413, tooLarge.Status);
        Assert.Equal("payload_too_large", tooLarge.Body.GetProperty("error").GetString());
        Assert.Equal(415, notJson.Status);
        Assert.Equal("unsupported_media_type", notJson.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unknown_departure_is_404()
    {
        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(Guid.NewGuid(), 1));

        Assert.Equal(404, answer.Status);
        Assert.Equal("departure_not_found", answer.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Departed_and_cancelled_departures_cannot_be_booked()
    {
        var departed = await fixture.Data.CreateDepartureAsync(capacity: 5);
        var cancelled = await fixture.Data.CreateDepartureAsync(capacity: 5);
        await fixture.Data.MoveIntoPastAsync(departed.DepartureId);
        await fixture.Data.CancelDepartureAsync(cancelled.DepartureId);

        var tooLate = await BookingApi.PostAsync(_http, BookingApi.Body(departed.DepartureId, 1));
        var called = await BookingApi.PostAsync(_http, BookingApi.Body(cancelled.DepartureId, 1));

        Assert.Equal(409, tooLate.Status);
        Assert.Equal("departure_closed", tooLate.Body.GetProperty("error").GetString());
        Assert.Contains("left", tooLate.Body.GetProperty("detail").GetString());
        Assert.Equal(409, called.Status);
        Assert.Contains("cancelled", called.Body.GetProperty("detail").GetString());
        Assert.Equal(5, (await fixture.Data.SeatStateAsync(departed.DepartureId)).AvailableSeats);
        Assert.Equal(5, (await fixture.Data.SeatStateAsync(cancelled.DepartureId)).AvailableSeats);
    }

    [Fact]
    public async Task Repeating_a_request_with_its_idempotency_key_returns_the_original_booking_once()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var body = BookingApi.Body(departure.DepartureId, 3);
        var key = Guid.NewGuid().ToString();

        var first = await BookingApi.PostAsync(_http, body, key);
        var again = await BookingApi.PostAsync(_http, body, key);

        Assert.Equal(201, first.Status);
        Assert.Equal(201, again.Status);
        Assert.Equal(first.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal("true", again.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(new SeatState(10, 7, 3, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_request_is_422()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var customer = TestData.Customer();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(201, (await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1, customer), key)).Status);

        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2, customer), key);

        Assert.Equal(422, answer.Status);
        Assert.Equal("idempotency_key_reused", answer.Body.GetProperty("error").GetString());
        Assert.Equal(new SeatState(10, 9, 1, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789X")]
    public async Task A_malformed_idempotency_key_is_refused(string key)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);

        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1), key);

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(10, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    [Fact]
    public async Task A_booking_blocked_by_a_stuck_lock_answers_503_with_retry_after_within_the_lock_timeout()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        await using var foreign = await fixture.Db.OpenConnectionAsync();
        await using var tx = await foreign.BeginTransactionAsync();
        await foreign.ExecuteAsync("select 1 from departures where id = @DepartureId for update", new { departure.DepartureId }, tx);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 1));
        clock.Stop();
        await tx.RollbackAsync();

        Assert.Equal(503, answer.Status);
        Assert.Equal("busy", answer.Body.GetProperty("error").GetString());
        Assert.True(int.Parse(answer.Response.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }
}
