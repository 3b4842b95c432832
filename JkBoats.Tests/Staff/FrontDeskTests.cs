using System.Net;
using Dapper;
using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Staff;

[Collection(AppCollection.Name)]
public sealed class FrontDeskTests(AppFixture fixture)
{
    [Fact]
    public async Task A_walk_in_without_email_is_booked_from_the_board_and_shows_its_code()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 12, departureTime: DateTime.UtcNow.AddHours(2));
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        // The departure's own operator day: two hours on is tomorrow late in the evening.
        var day = fixture.App.Services.GetRequiredService<OperatorCalendar>().ToLocal(departure.DepartureTime);
        var board = await agent.GetDocumentAsync($"/staff/board?date={day:yyyy-MM-dd}");
        var row = board.QuerySelector($"tr[data-departure-id='{departure.DepartureId}']");
        Assert.NotNull(row);
        Assert.Equal("12", row.QuerySelector("[data-field='available']")!.TextContent.Trim());
        var walkInLink = row.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Walk-in").GetAttribute("href")!;

        var response = await agent.SubmitAsync(walkInLink, "#walk-in-form", new() { ["FullName"] = "Walk In", ["Phone"] = "415 555 0199", ["Counts[adult]"] = "3" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var confirmation = await agent.GetDocumentAsync(response.Headers.Location!.OriginalString);
        var code = confirmation.QuerySelector("[data-field='code']")!.TextContent.Trim();
        Assert.Matches("^JKB-[A-Z2-9]{6}$", code);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Channel, string? Email, string Phone, int Seats)>(
            "select channel, email, phone, seats_booked from bookings where confirmation_code = @code", new { code });
        Assert.Equal(("desk", (string?)null, "+14155550199", 3), stored);
        Assert.Equal(9, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    [Fact]
    public async Task A_walk_in_with_bad_input_shows_messages_per_field_and_books_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 4);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.SubmitAsync($"/staff/departures/{departure.DepartureId}/walk-in", "#walk-in-form",
            new() { ["FullName"] = "", ["Phone"] = "12", ["Email"] = "nope", ["Counts[adult]"] = "0" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await StaffSession.ParseAsync(response);
        foreach (var field in new[] { "FullName", "Phone", "Email", "fares" })
        {
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector($"#{field}-error")?.TextContent), $"no message for {field}");
        }
        Assert.Equal(new SeatState(4, 4, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Walk_ins_and_online_bookings_racing_for_the_last_seats_never_oversell()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var walkInPage = await agent.GetDocumentAsync($"/staff/departures/{departure.DepartureId}/walk-in");
        var token = walkInPage.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
        var api = fixture.CreateClient();

        var attempts = await Storm.RunAsync(60, seed: 11, async (i, seats) =>
        {
            if (i % 2 == 0)
            {
                var answer = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, seats));
                return new StormAttempt(seats, answer.Status, null);
            }
            var response = await agent.Http.PostAsync($"/staff/departures/{departure.DepartureId}/walk-in", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["FullName"] = $"Walk In {i}", ["Phone"] = "+14155550123",
                ["Counts[adult]"] = seats.ToString(), ["IdempotencyKey"] = Guid.NewGuid().ToString("N"),
            }));
            return new StormAttempt(seats, response.StatusCode == HttpStatusCode.Redirect ? 201 : (int)response.StatusCode, null);
        });

        Assert.DoesNotContain(attempts, a => a.Status >= 500);
        var state = await fixture.Data.SeatStateAsync(departure.DepartureId);
        Assert.Equal(attempts.Where(a => a.Status == 201).Sum(a => a.Seats), state.ConfirmedSeats);
        Assert.Equal(10, state.ConfirmedSeats + state.AvailableSeats);
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task The_manifest_checks_passengers_in_and_out_and_counts_heads()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var api = fixture.CreateClient();
        var booked = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 3, TestData.Customer(fullName: "Check Me")));
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var manifest = $"/staff/departures/{departure.DepartureId}";

        var checkIn = await agent.SubmitAsync(manifest, $"tbody[data-booking-id='{bookingId}'] form", []);
        Assert.Equal(HttpStatusCode.Redirect, checkIn.StatusCode);
        var after = await agent.GetDocumentAsync(manifest);
        Assert.StartsWith("3 of 3 persons on board", after.QuerySelector("[data-field='headcount']")!.TextContent.Trim());
        var states = after.QuerySelectorAll($"tbody[data-booking-id='{bookingId}'] tr[data-passenger-id] [data-field='checked-in']");
        Assert.Equal(3, states.Length);
        Assert.All(states, state => Assert.Contains("✓", state.TextContent));

        var undo = await agent.SubmitAsync(manifest, $"tbody[data-booking-id='{bookingId}'] form", []);
        Assert.Equal(HttpStatusCode.Redirect, undo.StatusCode);
        Assert.StartsWith("0 of 3", (await agent.GetDocumentAsync(manifest)).QuerySelector("[data-field='headcount']")!.TextContent.Trim());
    }

    [Fact]
    public async Task Checking_in_by_code_from_the_board_marks_the_booking_boarded()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 2));
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.SubmitAsync($"/staff/board?date={departure.DepartureTime:yyyy-MM-dd}", "form[action*='CheckIn'], form:has(#code)",
            new() { ["code"] = code.ToLowerInvariant() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"{code} checked in", (await StaffSession.ParseAsync(response)).QuerySelector("[role='status']")!.TextContent);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.NotNull(await connection.ExecuteScalarAsync<DateTime?>("select checked_in_at from bookings where confirmation_code = @code", new { code }));
    }

    [Fact]
    public async Task The_board_refuses_to_check_in_a_ticket_for_another_day_and_names_its_departure()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 2));
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var otherDay = departure.DepartureTime.AddDays(-1);

        var response = await agent.SubmitAsync($"/staff/board?date={otherDay:yyyy-MM-dd}", "form[action*='CheckIn'], form:has(#code)", new() { ["code"] = code });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = (await StaffSession.ParseAsync(response)).QuerySelector("[role='status']")!.TextContent;
        Assert.Contains($"{code} is for {departure.BoatName}", message);
        Assert.Contains(departure.Destination, message);
        Assert.Contains("not checked in", message);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select checked_in_at from bookings where confirmation_code = @code", new { code }));
    }

    [Fact]
    public async Task The_manifest_refuses_to_check_in_a_booking_of_another_departure()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var other = await fixture.Data.AddDepartureAsync(departure, departure.DepartureTime.AddHours(2));
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(other.DepartureId, 1));
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var own = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 1));
        Assert.Equal(201, own.Status);

        var response = await agent.SubmitAsync($"/staff/departures/{departure.DepartureId}", "form[action*='CheckIn']",
            new() { ["bookingId"] = bookingId.ToString(), ["checkedIn"] = "true" });

        var page = await StaffSession.ParseAsync(response);
        Assert.Contains("not this departure", page.QuerySelector("[data-field='check-in-problem']")!.TextContent);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("select checked_in_at from bookings where id = @bookingId", new { bookingId }));
    }

    [Fact]
    public async Task The_manifest_csv_lists_every_booking_with_proper_quoting()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var api = fixture.CreateClient();
        var first = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2, TestData.Customer(fullName: "O'Brien, \"Pat\"", phone: "+14155550111")));
        var second = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(fullName: "Ann Lee", phone: "+14155550112")));
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.Http.GetAsync($"/staff/departures/{departure.DepartureId}?handler=Csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("code,name,phone,email,fare,birth_year,needs,needs_note,booked_by,checked_in,no_show", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Contains($"{second.Body.GetProperty("confirmation_code").GetString()},Ann Lee,+14155550112,", lines[1]);
        Assert.StartsWith($"{first.Body.GetProperty("confirmation_code").GetString()},\"O'Brien, \"\"Pat\"\"\",+14155550111,", lines[2]);
        Assert.StartsWith($"{first.Body.GetProperty("confirmation_code").GetString()},\"Unnamed (booked by O'Brien, \"\"Pat\"\")\",+14155550111,", lines[3]);
        Assert.EndsWith(",Adult,,,,\"O'Brien, \"\"Pat\"\"\",,", lines[2]);
    }

    [Fact]
    public async Task Staff_search_finds_bookings_by_part_of_a_name_phone_or_code()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var unique = Guid.NewGuid().ToString("N")[..6];
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 1, TestData.Customer(fullName: $"Zed {unique} Quill", phone: "+14155557321")));
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        foreach (var query in new[] { unique.ToUpperInvariant(), code[4..], code })
        {
            var page = await agent.GetDocumentAsync($"/staff/bookings?q={Uri.EscapeDataString(query)}");
            Assert.Contains(page.QuerySelectorAll("#results td"), td => td.TextContent.Trim() == code);
        }
        var byPhone = await agent.GetDocumentAsync("/staff/bookings?q=555-7321");
        Assert.Contains(byPhone.QuerySelectorAll("#results td"), td => td.TextContent.Trim() == code);
    }

    [Fact]
    public async Task The_booking_page_shows_email_status_and_resend_queues_another_email()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 1));
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var page = await agent.GetDocumentAsync($"/staff/bookings/{bookingId}");
        Assert.Single(page.QuerySelectorAll("#emails [data-email-status]"));

        var response = await agent.SubmitAsync($"/staff/bookings/{bookingId}", "#emails form", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select count(*) from email_outbox where booking_id = @bookingId and kind = 'booking_confirmed'", new { bookingId }));
        Assert.Equal(2, (await agent.GetDocumentAsync($"/staff/bookings/{bookingId}")).QuerySelectorAll("#emails [data-email-status]").Length);
    }

    [Fact]
    public async Task A_departure_decades_ahead_is_refused_with_a_message_and_creates_nothing()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var destination = $"Far Future {Guid.NewGuid().ToString()[..8]}";
        var boat = (await fixture.Data.CreateDepartureAsync()).BoatId.ToString();

        var typo = await admin.SubmitAsync("/staff/admin/departures", "form:has(#destination)", new()
        {
            ["boatId"] = boat, ["destination"] = destination, ["price"] = "25.00", ["date"] = "9999-12-31", ["time"] = "09:00",
        });
        var nextYear = await admin.SubmitAsync("/staff/admin/departures", "form:has(#destination)", new()
        {
            ["boatId"] = boat, ["destination"] = destination, ["price"] = "25.00", ["date"] = $"{DateTime.UtcNow.Year + 1}-06-01", ["time"] = "09:00",
        });

        Assert.Contains("at most 5 years ahead", (await StaffSession.ParseAsync(typo)).Body!.TextContent);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, nextYear.StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(1, await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection,
            "select count(*) from departures where destination = @destination", new { destination }));
    }
}
