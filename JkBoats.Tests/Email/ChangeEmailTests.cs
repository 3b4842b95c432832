using Dapper;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;
using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>The emails about a change: the customer's own (passengers taken off, names corrected) and the operator's (a departure's
/// time, boat or destination), each read from the SMTP server.</summary>
public sealed class ChangeEmailTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Taking_a_passenger_off_sends_a_changed_email_with_the_booking_as_it_is_now()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(price: 25m, fares: TestData.FamilyFares, departureTime: DateTime.UtcNow.AddDays(4));
        var email = $"changed.{Guid.NewGuid():N}@example.com";
        var booked = await BookingApi.PostRawAsync(http, $$"""
            {"departure_id":"{{departure.DepartureId}}","customer":{"email":"{{email}}","full_name":"Ana Change","phone":"+14155550132"},
             "passengers":[{"fare":"adult","full_name":"Ana Change"},{"fare":"adult","full_name":"Bo Change"},{"fare":"child","full_name":"Rui Change"}]}
            """);
        Assert.Equal(201, booked.Status);
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;
        var inventory = app.Services.GetRequiredService<SeatInventory>();

        Assert.Equal(ChangeResult.Done, (await inventory.RemovePassengersAsync(bookingId, [2], "customer", null, CancellationToken.None)).Result);

        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Any(d => KindOf(d.Message) == EmailKinds.BookingChanged), Patience, "the changed email");
        var message = bed.Smtp.DeliveriesTo(email).Single(d => KindOf(d.Message) == EmailKinds.BookingChanged).Message;
        var departs = Display.Default.DayAndTime(TimeZoneInfo.ConvertTimeFromUtc(departure.DepartureTime, TimeZoneInfo.FindSystemTimeZoneById(EmailTestBed.TimeZone)));
        Assert.Equal($"Booking changed: {code}, {departure.Destination}, {departs}", message.Subject);
        var html = await HtmlOf(message);
        Assert.Equal($"Booking changed: {code}", html.Title);
        Assert.Equal(code, html.QuerySelector("#confirmation-code")!.TextContent);
        var details = DetailRows(html);
        Assert.Equal(("Confirmed", "2 seats", departs), (details["Status"], details["Seats"], details["Departure"]));
        Assert.Equal(["Ana Change, Adult, $25.00", "Rui Change, Child, $12.50"],
            html.QuerySelectorAll("#passengers div").Select(line => line.TextContent).ToArray());
        Assert.Equal("$37.50", details["Total"]);
        Assert.Equal("To pay at the desk or on boarding: $37.50", details["Payment"]);
        var text = LinesOf(message);
        Assert.Contains("Passenger:    Ana Change, Adult, $25.00", text);
        Assert.Contains("Passenger:    Rui Change, Child, $12.50", text);
        Assert.DoesNotContain(text, line => line.Contains("Bo Change", StringComparison.Ordinal));
        Assert.Contains("Total:        $37.50", text);
        Assert.Contains("Payment:      To pay at the desk or on boarding: $37.50", text);
        var manageUrl = (await app.Services.GetRequiredService<ManageLinks>().UrlForAsync(bookingId, CancellationToken.None)).AbsoluteUri;
        Assert.Equal(manageUrl, html.QuerySelector("a#manage-link")!.GetAttribute("href"));
        Assert.Contains($"View, print or show your booking: {manageUrl}", text);
        var trip = CalendarEventOf(message);
        Assert.StartsWith($"{bookingId:N}@", trip.Uid);
        Assert.Equal(departure.DepartureTime, trip.Start!.AsUtc, TimeSpan.FromSeconds(1));

        Assert.Equal(ChangeResult.Done, (await inventory.CorrectNamesAsync(bookingId, new Dictionary<int, string?> { [3] = "Rui Corrected" }, "customer", null, CancellationToken.None)).Result);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count(d => KindOf(d.Message) == EmailKinds.BookingChanged) == 2, Patience, "a second changed email");
        var renamed = bed.Smtp.DeliveriesTo(email).Where(d => KindOf(d.Message) == EmailKinds.BookingChanged).Select(d => d.Message).Last(m => m.MessageId != message.MessageId);
        Assert.Contains("Rui Corrected, Child, $12.50", (await HtmlOf(renamed)).QuerySelector("#passengers")!.TextContent);
    }

    [Fact]
    public async Task Moving_a_departure_in_time_tells_every_confirmed_booking_the_old_and_new_time_with_its_manage_link()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddDays(5).Date.AddHours(7));
        var guests = new[] { "one", "two", "gone" }.Select(name => $"{name}.{Guid.NewGuid():N}@example.com").ToArray();
        var ids = new List<Guid>();
        foreach (var guest in guests)
        {
            var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email = guest, full_name = "Guest", phone = "+14155550132" }));
            Assert.Equal(201, answer.Status);
            ids.Add(answer.Body.GetProperty("booking_id").GetGuid());
        }
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(ids[2], "Changed plans", "customer", null, CancellationToken.None)).Result);
        var newTime = departure.DepartureTime.AddMinutes(90);

        var edited = await inventory.EditDepartureAsync(departure.DepartureId,
            new DepartureEdit(newTime, departure.PricePerSeat, departure.BoatId, departure.Destination), CancellationToken.None);

        Assert.Equal(ScheduleResult.Done, edited.Result);
        var queued = await Task.WhenAll(ids.Select(id => CountAsync(bed, id, EmailKinds.DepartureChanged)));
        Assert.Equal(new[] { 1, 1, 0 }, queued);
        await Eventually.HoldsAsync(() => guests[..2].All(g => bed.Smtp.DeliveriesTo(g).Any(d => KindOf(d.Message) == EmailKinds.DepartureChanged)),
            Patience, "a departure-changed email to each confirmed booking");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(EmailTestBed.TimeZone);
        var (was, now) = (Display.Default.DayAndTime(TimeZoneInfo.ConvertTimeFromUtc(departure.DepartureTime, zone)), Display.Default.DayAndTime(TimeZoneInfo.ConvertTimeFromUtc(newTime, zone)));
        for (var i = 0; i < 2; i++)
        {
            var message = bed.Smtp.DeliveriesTo(guests[i]).Single(d => KindOf(d.Message) == EmailKinds.DepartureChanged).Message;
            var html = await HtmlOf(message);
            var change = Assert.Single(html.QuerySelectorAll("#departure-changes tr[data-change]"));
            Assert.Equal(("Departure", was, now), (change.GetAttribute("data-change"), change.QuerySelector(".old")!.TextContent, change.QuerySelector(".new")!.TextContent));
            Assert.Contains($"Departure: {was} → {now}", LinesOf(message));
            Assert.Equal(now, DetailRows(html)["Departure"]);
            Assert.EndsWith($", now {now}", message.Subject);
            var manageUrl = (await app.Services.GetRequiredService<ManageLinks>().UrlForAsync(ids[i], CancellationToken.None)).AbsoluteUri;
            Assert.Equal(manageUrl, html.QuerySelector("a#manage-link")!.GetAttribute("href"));
            Assert.Contains(LinesOf(message), line => line.EndsWith($"change or cancel your booking here: {manageUrl}", StringComparison.Ordinal));
            // The calendar file moves the entry the confirmation made (same UID) to the new time.
            Assert.Equal(newTime, CalendarEventOf(message).Start!.AsUtc, TimeSpan.FromSeconds(1));
        }
        Assert.DoesNotContain(bed.Smtp.DeliveriesTo(guests[2]), d => KindOf(d.Message) == EmailKinds.DepartureChanged);
    }

    [Fact]
    public async Task A_new_boat_and_destination_are_shown_old_and_new_but_a_price_only_edit_queues_nothing()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(capacity: 10, price: 25m);
        var otherBoat = await bed.Data.CreateDepartureAsync(capacity: 12, departureTime: DateTime.UtcNow.AddDays(20));
        var email = $"boat.{Guid.NewGuid():N}@example.com";
        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 2, new { email, full_name = "Bea Boat", phone = "+14155550132" }));
        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        var edit = new DepartureEdit(departure.DepartureTime, departure.PricePerSeat, departure.BoatId, departure.Destination);

        Assert.Equal(ScheduleResult.Done, (await inventory.EditDepartureAsync(departure.DepartureId, edit with { PricePerSeat = 30m }, CancellationToken.None)).Result);
        Assert.Equal(0, await CountAsync(bed, bookingId, EmailKinds.DepartureChanged));

        Assert.Equal(ScheduleResult.Done, (await inventory.EditDepartureAsync(departure.DepartureId,
            edit with { PricePerSeat = 30m, BoatId = otherBoat.BoatId, Destination = "Turtle Cove" }, CancellationToken.None)).Result);
        Assert.Equal(1, await CountAsync(bed, bookingId, EmailKinds.DepartureChanged));
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Any(d => KindOf(d.Message) == EmailKinds.DepartureChanged), Patience, "the departure-changed email");
        var message = bed.Smtp.DeliveriesTo(email).Single(d => KindOf(d.Message) == EmailKinds.DepartureChanged).Message;
        var changes = (await HtmlOf(message)).QuerySelectorAll("#departure-changes tr[data-change]")
            .Select(row => (row.GetAttribute("data-change"), row.QuerySelector(".old")!.TextContent, row.QuerySelector(".new")!.TextContent)).ToList();
        Assert.Equal([("Boat", departure.BoatName, otherBoat.BoatName), ("Destination", departure.Destination, "Turtle Cove")], changes);
        Assert.Contains($"Boat: {departure.BoatName} → {otherBoat.BoatName}", LinesOf(message));
        // The booking keeps the price it was sold at, so the total is not news either.
        Assert.Equal("$50.00", DetailRows(await HtmlOf(message))["Total"]);
    }

    private static async Task<int> CountAsync(EmailTestBed bed, Guid bookingId, string kind)
    {
        await using var connection = await bed.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from email_outbox where booking_id = @bookingId and kind = @kind", new { bookingId, kind });
    }
}
