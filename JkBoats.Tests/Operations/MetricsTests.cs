using JkBoats.Data.Inventory;
using System.Net;
using JkBoats.Data.Bookings;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class MetricsTests(AppFixture fixture)
{
    private const string Bookings = "jkboats_booking_requests_total";

    [Fact]
    public async Task Bookings_refusals_and_bad_input_each_count_once_under_their_outcome_and_channel()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 3);
        var api = fixture.CreateClient();
        var before = await MetricsScrape.ReadAsync(api);

        var twice = BookingApi.Body(departure.DepartureId, 2);
        var key = Guid.NewGuid().ToString();
        Assert.Equal(201, (await BookingApi.PostAsync(api, twice, key)).Status);
        Assert.Equal(201, (await BookingApi.PostAsync(api, twice, key)).Status);
        Assert.Equal(400, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2))).Status);
        Assert.Equal(400, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email: "not-an-email")))).Status);
        Assert.Equal(400, (await BookingApi.PostRawAsync(api, "{not json")).Status);
        Assert.Equal(404, (await BookingApi.PostAsync(api, BookingApi.Body(Guid.NewGuid(), 1))).Status);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var walkIn = await agent.SubmitAsync($"/staff/departures/{departure.DepartureId}/walk-in", "#walk-in-form",
            new() { ["FullName"] = "Walk In", ["Phone"] = "415 555 0199", ["Counts[adult]"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, walkIn.StatusCode);

        var after = await MetricsScrape.ReadAsync(api);
        double Delta(string outcome, string channel) =>
            after.Value(Bookings, ("outcome", outcome), ("channel", channel)) - before.Value(Bookings, ("outcome", outcome), ("channel", channel));

        Assert.Equal(1, Delta("confirmed", "api"));
        Assert.Equal(1, Delta("idempotent_replay", "api"));
        Assert.Equal(1, Delta("insufficient_capacity", "api"));
        Assert.Equal(2, Delta("validation_error", "api"));
        Assert.Equal(1, Delta("not_found", "api"));
        Assert.Equal(1, Delta("confirmed", "desk"));
        Assert.Equal(0, Delta("system_error", "api"));
        // Three transactions reached the departure lock: two bookings and one refusal (the replay and 404 never lock a row).
        Assert.True(after.Value("jkboats_departure_lock_wait_seconds_count", ("operation", "book"))
            - before.Value("jkboats_departure_lock_wait_seconds_count", ("operation", "book")) >= 3);
        Assert.True(after.Value("jkboats_departure_lock_held_seconds_count", ("operation", "book"))
            > before.Value("jkboats_departure_lock_held_seconds_count", ("operation", "book")));
        Assert.True(after.Value("http_request_duration_seconds_count", ("endpoint", "/api/bookings"), ("method", "POST")) >= 6);
        Assert.True(after.Value("http_request_duration_seconds_count", ("page", "/Staff/Departures/WalkIn")) >= 1);
    }

    [Fact]
    public async Task Cancellations_and_moves_are_counted_by_result()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 6);
        var other = await fixture.Data.AddDepartureAsync(departure, departure.DepartureTime.AddHours(3));
        var api = fixture.CreateClient();
        var first = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2));
        var second = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2));
        var changes = fixture.App.Services.GetRequiredService<SeatInventory>();
        var before = await MetricsScrape.ReadAsync(api);

        await changes.CancelBookingAsync(first.Body.GetProperty("booking_id").GetGuid(), "test", "metrics test", null, CancellationToken.None);
        await changes.CancelBookingAsync(first.Body.GetProperty("booking_id").GetGuid(), "test", "metrics test", null, CancellationToken.None);
        await changes.MoveBookingAsync(second.Body.GetProperty("booking_id").GetGuid(), other.DepartureId, "metrics test", CancellationToken.None);

        var after = await MetricsScrape.ReadAsync(api);
        double Delta(string change, string result) => after.Value("jkboats_booking_changes_total", ("change", change), ("result", result))
            - before.Value("jkboats_booking_changes_total", ("change", change), ("result", result));
        Assert.Equal(1, Delta("cancel", "done"));
        Assert.Equal(1, Delta("cancel", "nothingtochange"));
        Assert.Equal(1, Delta("move", "done"));
        Assert.True(after.Value("jkboats_departure_lock_wait_seconds_count", ("operation", "move_booking"))
            > before.Value("jkboats_departure_lock_wait_seconds_count", ("operation", "move_booking")));
    }

    [Fact]
    public async Task Sent_emails_the_outbox_and_the_connection_pool_show_up_in_the_metrics()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        var api = fixture.CreateClient();
        var before = await MetricsScrape.ReadAsync(api);

        Assert.Equal(201, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1))).Status);

        MetricsScrape after = before;
        await Eventually.HoldsAsync(async () =>
        {
            after = await MetricsScrape.ReadAsync(api);
            return after.Value("jkboats_emails_total", ("event", "sent")) > before.Value("jkboats_emails_total", ("event", "sent"));
        }, TimeSpan.FromSeconds(20), "an email counted as sent", every: TimeSpan.FromMilliseconds(100));
        Assert.True(after.Value("jkboats_email_outbox_rows", ("status", "sent")) >= 1);
        Assert.True(after.Has("jkboats_email_outbox_oldest_unsent_age_seconds"));
        Assert.True(after.Value("jkboats_db_pool_max_connections") > 0, "no pool size from Npgsql's meter");
        Assert.True(after.Value("jkboats_db_pool_connections", ("state", "idle")) + after.Value("jkboats_db_pool_connections", ("state", "used")) >= 1);
    }
}
