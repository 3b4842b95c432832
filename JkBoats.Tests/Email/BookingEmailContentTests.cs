using JkBoats.Data.Operator;
using JkBoats.Data.Inventory;
using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Email;
using JkBoats.Web.Email.Templates;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>What the three kinds of booking email say, read from the MIME messages the SMTP server received.</summary>
public sealed class BookingEmailContentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Every_kind_shows_the_trip_and_the_configured_arrival_time_in_both_parts()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["JkBoats:ArriveBefore"] = "00:25:00" });

        var sent = await SendEveryKindAsync(bed, app, "Grace Hopper", "Coral Bay", "Turtle Cove", "Storm warning");

        foreach (var (message, trip, kind) in new[] { (sent.Confirmed, sent.First, "confirmed"), (sent.Cancelled, sent.First, "cancelled"), (sent.Moved, sent.Second, "moved") })
        {
            var html = await HtmlOf(message);
            var details = DetailRows(html);
            var departs = Local(trip.DepartureTime);
            Assert.Equal(trip.BoatName, details["Boat"]);
            Assert.Equal(trip.Destination, details["Destination"]);
            Assert.Equal(Display.Default.DayAndTime(departs), details["Departure"]);
            Assert.Equal(kind == "cancelled" ? "Cancelled" : "Confirmed", details["Status"]);
            Assert.Contains($"Status:       {details["Status"]}", LinesOf(message));
            Assert.Equal(kind == "cancelled" ? "1 seat" : "2 seats", details["Seats"]);
            var text = LinesOf(message);
            Assert.Contains($"Boat:         {trip.BoatName}", text);
            // Every email ends with how to reach the operator: desk phone, email, hours, pier, policy (both parts).
            var company = app.Services.GetRequiredService<OperatorRepository>().Defaults;
            var contact = html.QuerySelector("#operator-contact")!.TextContent;
            foreach (var part in new[] { "+1 415-555-0100", company.Email, company.OpeningHours, company.PierAddress, company.CancellationPolicy })
            {
                Assert.Contains(part, contact);
                Assert.Contains(text, line => line.Contains(part, StringComparison.Ordinal));
            }
            Assert.Contains($"Destination:  {trip.Destination}", text);
            Assert.Contains($"Seats:        {details["Seats"]}", text);
            Assert.StartsWith($"Booking {kind}: ", message.Subject);

            if (kind == "cancelled")
            {
                Assert.Equal("Storm warning", html.QuerySelector("#cancellation-reason")!.TextContent);
                Assert.Contains("Reason:       Storm warning", text);
                Assert.Null(html.QuerySelector("#arrive-by"));
                // The desk cancelled it: the email says so and why, and does not ask "if you did not ask for this".
                Assert.StartsWith("JK Boats cancelled it: Storm warning.", html.QuerySelector("#cancelled-by")!.TextContent.Trim());
                Assert.Contains(text, line => line.StartsWith("JK Boats cancelled it: Storm warning.", StringComparison.Ordinal));
                Assert.DoesNotContain("did not", message.TextBody);
                continue;
            }
            var arriveBy = departs.AddMinutes(-25).ToString("HH:mm", CultureInfo.InvariantCulture);
            Assert.Equal(arriveBy, html.QuerySelector("#arrive-by")!.TextContent);
            var pier = app.Services.GetRequiredService<OperatorRepository>().Defaults.PierAddress;
            Assert.Contains($"by {arriveBy}, 25 minutes before departure: {pier}.", html.QuerySelector("#arrive-by")!.ParentElement!.TextContent);
            Assert.Contains(text, line => line.Contains($"please be at the pier by {arriveBy}, 25 minutes before departure: {pier}.", StringComparison.Ordinal));
            Assert.Equal(kind == "confirmed" ? "$40.00" : "$60.00", details["Total"]);
            Assert.Equal(kind == "confirmed" ? "To pay at the desk or on boarding: $40.00" : "To pay at the desk or on boarding: $60.00", details["Payment"]);
            Assert.Contains($"Total:        {details["Total"]}", text);
            Assert.DoesNotContain("15 minutes", html.Body!.TextContent);
            Assert.DoesNotContain("15 minutes", message.TextBody);
        }
    }

    [Fact]
    public async Task Markup_characters_in_names_destinations_and_reasons_are_encoded_in_html_and_plain_in_text()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        const string name = "Zoë O'Brien & <b>Sons</b>";
        const string destination = "Rock & Roll <i>Bay</i> 'n' \"Co\"";
        const string reason = "Waves > 3 m & <wind>";

        var sent = await SendEveryKindAsync(bed, app, name, destination, destination + " II", reason);

        foreach (var message in new[] { sent.Confirmed, sent.Cancelled, sent.Moved })
        {
            var html = await HtmlOf(message);
            Assert.Empty(html.QuerySelectorAll("b, i, wind"));
            Assert.Contains(html.QuerySelectorAll("p"), p => p.TextContent == $"Hello {name},");
            Assert.StartsWith(destination, DetailRows(html)["Destination"]);
            Assert.Contains(destination, message.Subject);

            var text = LinesOf(message);
            Assert.Equal($"Hello {name},", text[0]);
            Assert.Contains(text, line => line.StartsWith($"Destination:  {destination}", StringComparison.Ordinal));
            foreach (var entity in new[] { "&amp;", "&lt;", "&gt;", "&#x27;", "&#39;", "&quot;", "&#x" })
            {
                Assert.DoesNotContain(entity, message.TextBody);
            }
        }
        Assert.Equal(reason, (await HtmlOf(sent.Cancelled)).QuerySelector("#cancellation-reason")!.TextContent);
        Assert.Contains($"Reason:       {reason}", LinesOf(sent.Cancelled));
    }

    [Fact]
    public async Task Every_kind_is_a_text_and_html_alternative_whose_links_are_the_bookings_own()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();

        var sent = await SendEveryKindAsync(bed, app, "Linus Link", "Coral Bay", "Turtle Cove", "Weather");

        var links = app.Services.GetRequiredService<ManageLinks>();
        foreach (var (message, bookingId) in new[] { (sent.Confirmed, sent.KeptId), (sent.Cancelled, sent.DroppedId), (sent.Moved, sent.KeptId) })
        {
            // Confirmation and move: text and HTML alternatives (the HTML with its inline QR code) plus the trip as a calendar file;
            // cancellation: the alternatives alone, no QR (a cancelled booking is no ticket).
            var alternative = bookingId == sent.DroppedId
                ? Assert.IsType<MultipartAlternative>(message.Body)
                : Assert.IsType<MultipartAlternative>(Assert.IsType<Multipart>(message.Body)[0]);
            Assert.Equal(("text/plain", "utf-8"), (alternative[0].ContentType.MimeType, alternative[0].ContentType.Charset));
            var htmlPart = bookingId == sent.DroppedId ? alternative[1] : Assert.IsType<MultipartRelated>(alternative[1])[0];
            Assert.Equal(("text/html", "utf-8"), (htmlPart.ContentType.MimeType, htmlPart.ContentType.Charset));
            Assert.Equal(2, alternative.Count);
            var manageUrl = (await links.UrlForAsync(bookingId, CancellationToken.None)).AbsoluteUri;
            Assert.StartsWith("http://localhost:5000/bookings/manage/", manageUrl);
            var html = await HtmlOf(message);
            Assert.Equal(manageUrl, html.QuerySelector("a#manage-link")!.GetAttribute("href"));
            Assert.Contains(LinesOf(message), line => line.EndsWith($": {manageUrl}", StringComparison.Ordinal));
            Assert.Equal(message.Headers["X-JkBoats-Booking"], html.QuerySelector("#confirmation-code")!.TextContent);
            Assert.StartsWith(html.Title!, message.Subject);
        }
        Assert.Empty(sent.Cancelled.Attachments);

        // The calendar file: the departure at its UTC time, the pier, the manage link; a move updates the same entry (same UID).
        var confirmedEvent = CalendarEventOf(sent.Confirmed);
        var movedEvent = CalendarEventOf(sent.Moved);
        Assert.Equal(sent.First.DepartureTime, confirmedEvent.Start!.AsUtc, TimeSpan.FromSeconds(1));
        Assert.Equal(sent.Second.DepartureTime, movedEvent.Start!.AsUtc, TimeSpan.FromSeconds(1));
        Assert.Equal(confirmedEvent.Uid, movedEvent.Uid);
        Assert.StartsWith($"{sent.KeptId:N}@", confirmedEvent.Uid);
        Assert.Equal(app.Services.GetRequiredService<OperatorRepository>().Defaults.PierAddress, movedEvent.Location);
        Assert.Contains((await links.UrlForAsync(sent.KeptId, CancellationToken.None)).AbsoluteUri, movedEvent.Description);
        Assert.Equal("http://localhost:5000/", (await HtmlOf(sent.Cancelled)).QuerySelector("a#book-link")!.GetAttribute("href"));
        Assert.Contains(LinesOf(sent.Cancelled), line => line.EndsWith("book again: http://localhost:5000/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Building_a_sent_row_again_gives_the_same_message_id_subject_and_parts()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"rene.{Guid.NewGuid():N}@example.com";
        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Rene Resend", phone = "+14155550132" }));
        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).All(r => r.Status == "sent"), Patience, "the row marked sent");
        var row = Assert.Single(await bed.OutboxRowsAsync(bookingId));
        var delivered = Assert.Single(bed.Smtp.DeliveriesTo(email)).Message;
        var emails = app.Services.GetRequiredService<BookingEmails>();

        var again = await emails.BuildAsync(new ClaimedEmail(row.Id, row.Kind, row.BookingId, row.Recipient, row.Attempts + 1, null, null), CancellationToken.None);

        Assert.Equal($"{row.Id:N}@jkboats.example", again.MessageId);
        Assert.Equal(delivered.MessageId, again.MessageId);
        Assert.Equal(delivered.Subject, again.Subject);
        Assert.Equal(delivered.TextBody!.ReplaceLineEndings(), again.TextBody!.ReplaceLineEndings());
        Assert.Equal(delivered.HtmlBody!.ReplaceLineEndings(), again.HtmlBody!.ReplaceLineEndings());
        await Assert.ThrowsAsync<UnsendableEmailException>(() =>
            emails.BuildAsync(new ClaimedEmail(Guid.NewGuid(), "postcard", bookingId, email, 1, null, null), CancellationToken.None));
    }

    [Fact]
    public async Task The_email_renderer_is_disposed_with_the_app()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        var renderer = app.Services.GetRequiredService<EmailRenderer>();
        var booking = new BookingEmailModel("ABC123", "Ada", "Boat", "Bay", "Monday", "08:45", "15 minutes", "1 seat", "$1.00",
            "http://localhost:5000/bookings/manage/x", "http://localhost:5000/", "not given")
        {
            Operator = app.Services.GetRequiredService<OperatorRepository>().Defaults,
        };
        Assert.Equal("ABC123", (await new HtmlParser().ParseDocumentAsync(await renderer.HtmlAsync(typeof(ConfirmedEmail), booking)))
            .QuerySelector("#confirmation-code")!.TextContent);

        await bed.StopAppsAsync();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => renderer.HtmlAsync(typeof(ConfirmedEmail), booking));
    }

    private sealed record EveryKind(
        MimeMessage Confirmed, MimeMessage Cancelled, MimeMessage Moved, Guid KeptId, Guid DroppedId, TestDeparture First, TestDeparture Second);

    /// <summary>Books twice (2 seats kept, 1 seat dropped), cancels the second with a reason, moves the first; waits for all four emails.</summary>
    [Fact]
    public async Task The_pages_ask_customers_to_arrive_as_early_as_the_configured_arrival_time()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["JkBoats:ArriveBefore"] = "00:25:00" });
        var departure = await new TestData(bed.Db).CreateDepartureAsync(capacity: 5);
        using var http = app.CreateHttpClient();
        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1));
        var manage = await app.Services.GetRequiredService<ManageLinks>().UrlForAsync(booked.Body.GetProperty("booking_id").GetGuid(), CancellationToken.None);

        foreach (var path in new[] { $"/departures/{departure.DepartureId}", await ConfirmationPages.PathAsync(app.Services, booked.Body.GetProperty("booking_id").GetGuid()), manage.PathAndQuery })
        {
            var page = await new AngleSharp.Html.Parser.HtmlParser().ParseDocumentAsync(await http.GetStringAsync(path));
            var text = page.Body!.TextContent;
            Assert.Contains("at the pier 25 minutes before departure", text);
            Assert.DoesNotContain("15 minutes", text);
        }
    }

    private static async Task<EveryKind> SendEveryKindAsync(
        EmailTestBed bed, JkBoatsApp app, string name, string destination, string movedTo, string reason)
    {
        using var http = app.CreateHttpClient();
        var when = DateTime.UtcNow.AddDays(4).Date.AddHours(7);
        var first = await bed.Data.CreateDepartureAsync(price: 20.00m, destination: destination, departureTime: when);
        var second = await bed.Data.AddDepartureAsync(first, when.AddDays(1).AddMinutes(30), destination: movedTo, price: 30.00m);
        var email = $"kinds.{Guid.NewGuid():N}@example.com";
        var kept = await BookingApi.PostAsync(http, BookingApi.Body(first.DepartureId, 2, new { email, full_name = name, phone = "+14155550132" }));
        var dropped = await BookingApi.PostAsync(http, BookingApi.Body(first.DepartureId, 1, new { email, full_name = name, phone = "+14155550132" }));
        Assert.Equal((201, 201), (kept.Status, dropped.Status));
        var keptId = kept.Body.GetProperty("booking_id").GetGuid();
        var droppedId = dropped.Body.GetProperty("booking_id").GetGuid();
        var changes = app.Services.GetRequiredService<SeatInventory>();
        // An email is written when it is sent, from the booking as it is then: let the confirmations go out before the booking
        // moves, or a slow worker writes the kept booking's confirmation with the departure it has moved to.
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 2, Patience, "two confirmations");

        Assert.Equal(ChangeResult.Done, (await changes.CancelBookingAsync(droppedId, reason, "desk@jkboats.example", null, CancellationToken.None)).Result);
        Assert.Equal(ChangeResult.Done, (await changes.MoveBookingAsync(keptId, second.DepartureId, "desk@jkboats.example", CancellationToken.None)).Result);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 4, Patience, "two confirmations, a cancellation and a move");

        var messages = bed.Smtp.DeliveriesTo(email).Select(d => d.Message).ToList();
        var keptCode = kept.Body.GetProperty("confirmation_code").GetString()!;
        MimeMessage Only(string prefix, string code) =>
            Assert.Single(messages, m => m.Subject!.StartsWith(prefix, StringComparison.Ordinal) && m.Headers["X-JkBoats-Booking"] == code);
        return new EveryKind(
            Only("Booking confirmed: ", keptCode),
            Only("Booking cancelled: ", dropped.Body.GetProperty("confirmation_code").GetString()!),
            Only("Booking moved: ", keptCode),
            keptId, droppedId, first, second);
    }

    private static DateTime Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(EmailTestBed.TimeZone));
}
