using Dapper;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Operator;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;
using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>The day-before reminder: which bookings get one, what it says, and that a sweep never queues it twice.</summary>
public sealed class ReminderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, string?> Reminders = new()
    {
        ["Email:ReminderLead"] = "1.00:00:00",
        ["Email:ReminderSweepInterval"] = "00:00:00.100",
        ["JkBoats:ArriveBefore"] = "00:30:00",
        ["JkBoats:Operator:MapUrl"] = "https://maps.example/pier-3",
    };

    [Fact]
    public async Task A_booking_within_the_lead_time_is_reminded_once_and_none_outside_it_cancelled_or_departed()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(Reminders);
        using var http = app.CreateHttpClient();
        var tomorrow = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(20));
        var nextWeek = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddDays(7));
        // Booked while far off (the sweeper runs all along), then cancelled or left, then brought within the lead time.
        var soonCancelled = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddDays(7));
        var departed = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddDays(7));
        var cancelled = await BookAsync(http, soonCancelled);
        var left = await BookAsync(http, departed);
        var far = await BookAsync(http, nextWeek);
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(cancelled.Id, "Changed plans", "customer", null, CancellationToken.None)).Result);
        await bed.Data.MoveIntoPastAsync(departed.DepartureId);
        await using (var connection = await bed.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update departures set departure_time = now() + interval '20 hours' where id = @DepartureId", new { soonCancelled.DepartureId });
        }
        var due = await BookAsync(http, tomorrow);

        await Eventually.HoldsAsync(async () => (await RemindersOfAsync(bed, due.Id)).Any(r => r.Status == "sent"), Patience, "the due booking's reminder sent");
        // Sweeps again, as the sweeper of every instance keeps doing: nothing more is queued.
        var queue = app.Services.GetRequiredService<ReminderQueue>();
        for (var sweep = 0; sweep < 3; sweep++)
        {
            Assert.Equal(0, await queue.QueueDueAsync(TimeSpan.FromDays(1), CancellationToken.None));
        }

        Assert.Single(await RemindersOfAsync(bed, due.Id));
        Assert.Empty(await RemindersOfAsync(bed, cancelled.Id));
        Assert.Empty(await RemindersOfAsync(bed, far.Id));
        Assert.Empty(await RemindersOfAsync(bed, left.Id));
        Assert.Single(bed.Smtp.DeliveriesTo(due.Email), d => KindOf(d.Message) == EmailKinds.BookingReminder);
        foreach (var other in new[] { cancelled, far, left })
        {
            Assert.DoesNotContain(bed.Smtp.DeliveriesTo(other.Email), d => KindOf(d.Message) == EmailKinds.BookingReminder);
        }
    }

    [Fact]
    public async Task The_reminder_gives_the_local_departure_arrival_time_pier_with_map_manage_link_qr_and_calendar()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(Reminders);
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(20));

        var booking = await BookAsync(http, departure);

        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(booking.Email).Any(d => KindOf(d.Message) == EmailKinds.BookingReminder), Patience, "the reminder");
        var message = bed.Smtp.DeliveriesTo(booking.Email).Single(d => KindOf(d.Message) == EmailKinds.BookingReminder).Message;
        var local = TimeZoneInfo.ConvertTimeFromUtc(departure.DepartureTime, TimeZoneInfo.FindSystemTimeZoneById(EmailTestBed.TimeZone));
        var departs = Display.Default.DayAndTime(local);
        Assert.Equal($"Reminder: {booking.Code}, {departure.Destination}, {departs}", message.Subject);
        var html = await HtmlOf(message);
        Assert.Equal(departs, html.QuerySelector("#departs")!.TextContent);
        Assert.Equal(Display.Default.Time(local.AddMinutes(-30)), html.QuerySelector("#arrive-by")!.TextContent);
        Assert.Contains("30 minutes before departure", html.QuerySelector("#arrive-by")!.ParentElement!.TextContent);
        var pier = app.Services.GetRequiredService<OperatorRepository>().Defaults.PierAddress;
        Assert.StartsWith(pier, html.QuerySelector("#pier")!.TextContent.Trim());
        Assert.Equal("https://maps.example/pier-3", html.QuerySelector("#pier a#map-link")!.GetAttribute("href"));
        var manageUrl = (await app.Services.GetRequiredService<ManageLinks>().UrlForAsync(booking.Id, CancellationToken.None)).AbsoluteUri;
        Assert.Equal(manageUrl, html.QuerySelector("a#manage-link")!.GetAttribute("href"));
        Assert.StartsWith("cid:", html.QuerySelector("img#ticket-qr")!.GetAttribute("src"));
        var text = LinesOf(message);
        Assert.Contains($"When to arrive: please be at the pier by {Display.Default.Time(local.AddMinutes(-30))}, 30 minutes before departure.", text);
        Assert.Contains($"Where: {pier} (map: https://maps.example/pier-3)", text);
        Assert.Contains($"Plans changed? View your booking: {manageUrl}", text);
        Assert.Equal(departure.DepartureTime, CalendarEventOf(message).Start!.AsUtc, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_booking_moved_to_another_trip_after_its_reminder_is_reminded_of_the_new_one()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(Reminders);
        using var http = app.CreateHttpClient();
        var first = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(10));
        var second = await bed.Data.AddDepartureAsync(first, DateTime.UtcNow.AddHours(22));
        var booking = await BookAsync(http, first);
        await Eventually.HoldsAsync(async () => (await RemindersOfAsync(bed, booking.Id)).Any(r => r.Status == "sent"), Patience, "the first reminder sent");

        var moved = await app.Services.GetRequiredService<SeatInventory>().MoveBookingAsync(booking.Id, second.DepartureId, "desk@jkboats.example", CancellationToken.None);

        Assert.Equal(ChangeResult.Done, moved.Result);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(booking.Email).Count(d => KindOf(d.Message) == EmailKinds.BookingReminder) == 2, Patience, "a reminder of the new trip");
        var reminded = bed.Smtp.DeliveriesTo(booking.Email).Where(d => KindOf(d.Message) == EmailKinds.BookingReminder)
            .Select(d => CalendarEventOf(d.Message).Start!.AsUtc).ToList();
        Assert.Equal(2, reminded.Count);
        Assert.Equal(first.DepartureTime, reminded[0], TimeSpan.FromSeconds(1));
        Assert.Equal(second.DepartureTime, reminded[1], TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await RemindersOfAsync(bed, booking.Id)).Count);
    }

    private sealed record Booked(Guid Id, string Code, string Email);

    private static async Task<Booked> BookAsync(HttpClient http, TestDeparture departure)
    {
        var email = $"remind.{Guid.NewGuid():N}@example.com";
        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Rita Remind", phone = "+14155550132" }));
        Assert.Equal(201, answer.Status);
        return new Booked(answer.Body.GetProperty("booking_id").GetGuid(), answer.Body.GetProperty("confirmation_code").GetString()!, email);
    }

    public sealed record ReminderRow(Guid Id, string Status, string? DepartureTime);

    public static async Task<IReadOnlyList<ReminderRow>> RemindersOfAsync(EmailTestBed bed, Guid bookingId)
    {
        await using var connection = await bed.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<ReminderRow>(
            "select id, status, payload ->> 'departure_time' as departure_time from email_outbox where booking_id = @bookingId and kind = @kind",
            new { bookingId, kind = EmailKinds.BookingReminder })).AsList();
    }
}
