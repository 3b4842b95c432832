using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>What every booking email has, whatever its kind: the booking's state, its code with the check-in QR code as an inline
/// image (while it is a ticket), and times in the operator's time zone, never in UTC.</summary>
public sealed class EveryEmailTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Every_kind_of_booking_email_shows_state_and_code_with_an_inline_qr_while_confirmed_and_never_says_utc()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["Email:ReminderSweepInterval"] = "00:00:00.100" });
        using var http = app.CreateHttpClient();
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        var soon = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(5), fares: TestData.FamilyFares);
        var later = await bed.Data.AddDepartureAsync(soon, DateTime.UtcNow.AddHours(8));
        var email = $"every.{Guid.NewGuid():N}@example.com";
        var kept = await BookingApi.PostRawAsync(http, $$"""
            {"departure_id":"{{soon.DepartureId}}","customer":{"email":"{{email}}","full_name":"Ana Every","phone":"+14155550132"},
             "passengers":[{"fare":"adult","full_name":"Ana Every"},{"fare":"child","full_name":"Rui Every"}]}
            """);
        var dropped = await BookingApi.PostAsync(http, BookingApi.Body(soon.DepartureId, 1, new { email, full_name = "Ana Every", phone = "+14155550132" }));
        Assert.Equal((201, 201), (kept.Status, dropped.Status));
        var keptId = kept.Body.GetProperty("booking_id").GetGuid();
        var droppedId = dropped.Body.GetProperty("booking_id").GetGuid();
        async Task Arrived(string kind, int count) => await Eventually.HoldsAsync(
            () => bed.Smtp.DeliveriesTo(email).Count(d => KindOf(d.Message) == kind) >= count, Patience, $"{count} {kind} emails");

        await Arrived(EmailKinds.BookingConfirmed, 2);
        await Arrived(EmailKinds.BookingReminder, 2);
        Assert.Equal(ChangeResult.Done, (await inventory.CorrectNamesAsync(keptId, new Dictionary<int, string?> { [2] = "Rui Renamed" }, "customer", null, CancellationToken.None)).Result);
        await Arrived(EmailKinds.BookingChanged, 1);
        Assert.Equal(ScheduleResult.Done, (await inventory.EditDepartureAsync(soon.DepartureId,
            new DepartureEdit(soon.DepartureTime.AddMinutes(30), soon.PricePerSeat, soon.BoatId, soon.Destination), CancellationToken.None)).Result);
        await Arrived(EmailKinds.DepartureChanged, 2);
        Assert.Equal(ChangeResult.Done, (await inventory.MoveBookingAsync(keptId, later.DepartureId, "desk@jkboats.example", CancellationToken.None)).Result);
        await Arrived(EmailKinds.BookingMoved, 1);
        Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(droppedId, "Storm", "desk@jkboats.example", null, CancellationToken.None)).Result);
        await Arrived(EmailKinds.BookingCancelled, 1);

        var messages = bed.Smtp.DeliveriesTo(email).Select(d => d.Message).ToList();
        Assert.Superset(new HashSet<string> { EmailKinds.BookingConfirmed, EmailKinds.BookingReminder, EmailKinds.BookingChanged,
            EmailKinds.DepartureChanged, EmailKinds.BookingMoved, EmailKinds.BookingCancelled }, messages.Select(KindOf).ToHashSet());
        using var page = app.CreateHttpClient();
        foreach (var message in messages)
        {
            var kind = KindOf(message);
            var bookingId = message.Headers["X-JkBoats-Booking"] == kept.Body.GetProperty("confirmation_code").GetString() ? keptId : droppedId;
            var code = message.Headers["X-JkBoats-Booking"]!;
            var html = await HtmlOf(message);
            Assert.Equal(code, html.QuerySelector("#confirmation-code")!.TextContent);
            Assert.DoesNotContain("UTC", OwnWords(message), StringComparison.Ordinal);
            Assert.Contains(html.QuerySelectorAll("#operator-contact"), contact => contact.TextContent.Contains("Pier 3, Harbour Road"));

            if (kind == EmailKinds.BookingCancelled)
            {
                Assert.Equal("Cancelled", DetailRows(html)["Status"]);
                Assert.Null(html.QuerySelector("img"));
                Assert.DoesNotContain(message.BodyParts, part => part.ContentType.MediaType == "image");
                continue;
            }
            Assert.Equal("Confirmed", DetailRows(html)["Status"]);
            Assert.Contains("Status:       Confirmed", LinesOf(message));
            var qr = html.QuerySelector("img#ticket-qr")!.GetAttribute("src")!;
            Assert.StartsWith("cid:", qr);
            var image = Assert.Single(message.BodyParts.OfType<MimePart>(), part => part.ContentId == qr["cid:".Length..]);
            Assert.Equal("image/png", image.ContentType.MimeType);
            Assert.True(image.ContentDisposition is null || image.ContentDisposition.Disposition == ContentDisposition.Inline);
            // Inline means related to the HTML: the image sits beside the HTML part in its multipart/related.
            var related = Assert.Single(Multiparts(message.Body!).OfType<MultipartRelated>());
            Assert.Equal("text/html", related.Root!.ContentType.MimeType);
            Assert.Contains(image, related);
            // The same picture as the confirmation page's QR code (which a booking cancelled since no longer has): one generator for both.
            var pageQr = bookingId == keptId
                ? await page.GetByteArrayAsync((await ConfirmationPages.PathAsync(app.Services, bookingId)).Replace("?key=", "?handler=Qr&key="))
                : JkBoats.Web.Infrastructure.TicketQr.Png(code);
            Assert.Equal(pageQr, Bytes(image));
            Assert.Equal("text/calendar", Assert.Single(message.Attachments).ContentType.MimeType);
        }
    }

    [Fact]
    public async Task Times_are_written_in_the_operators_time_zone_the_way_the_pages_write_them()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["JkBoats:ArriveBefore"] = "00:20:00" });
        using var http = app.CreateHttpClient();
        // 07:00 UTC on a winter Saturday is 09:00 in Athens (UTC+2).
        var departure = await bed.Data.CreateDepartureAsync(departureTime: new DateTime(2030, 1, 19, 7, 0, 0, DateTimeKind.Utc));
        var email = $"zone.{Guid.NewGuid():N}@example.com";

        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Zoe Zone", phone = "+14155550132" }));

        Assert.Equal(201, booked.Status);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, "the confirmation email");
        var message = bed.Smtp.DeliveriesTo(email)[0].Message;
        var html = await HtmlOf(message);
        Assert.Equal("Saturday 19 January, 09:00", DetailRows(html)["Departure"]);
        Assert.Equal("08:40", html.QuerySelector("#arrive-by")!.TextContent);
        Assert.Contains("Departure:    Saturday 19 January, 09:00", LinesOf(message));
        Assert.EndsWith(", Saturday 19 January, 09:00", message.Subject);
        Assert.DoesNotContain("07:00", ReadableText(message).Replace(message.Headers["X-JkBoats-Booking"]!, ""));
        // The confirmation page writes the departure with the same words.
        var path = await ConfirmationPages.PathAsync(app.Services, booked.Body.GetProperty("booking_id").GetGuid());
        var confirmation = await new AngleSharp.Html.Parser.HtmlParser().ParseDocumentAsync(await http.GetStringAsync(path), CancellationToken.None);
        Assert.Equal(Display.Default.DayAndTime(new DateTime(2030, 1, 19, 9, 0, 0)), confirmation.QuerySelector("[data-booking='departure']")!.TextContent.Trim());
    }

    [Fact]
    public async Task An_operator_on_utc_still_gets_no_utc_in_booking_cancellation_or_waiting_list_emails()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["JkBoats:TimeZone"] = "UTC" });
        using var http = app.CreateHttpClient();
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        var departure = await bed.Data.CreateDepartureAsync(capacity: 1);
        var (booker, waiter) = ($"utc.{Guid.NewGuid():N}@example.com", $"wait.{Guid.NewGuid():N}@example.com");
        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email = booker, full_name = "Uma Utc", phone = "+14155550132" }));
        var joined = await inventory.JoinWaitlistAsync(new WaitlistJoin(departure.DepartureId,
            new JkBoats.Data.Bookings.CustomerDetails("Walt Wait", waiter, "+14155550188"), new Dictionary<string, int> { ["adult"] = 1 }), CancellationToken.None);
        Assert.Equal((201, WaitlistJoinResult.Joined), (booked.Status, joined.Result));

        Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(booked.Body.GetProperty("booking_id").GetGuid(), "Changed plans", "customer", null, CancellationToken.None)).Result);

        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(booker).Count == 2 && bed.Smtp.DeliveriesTo(waiter).Count == 1, Patience,
            "confirmation, cancellation and the waiting-list offer");
        foreach (var message in bed.Smtp.DeliveriesTo(booker).Concat(bed.Smtp.DeliveriesTo(waiter)).Select(d => d.Message))
        {
            Assert.DoesNotContain("UTC", OwnWords(message), StringComparison.Ordinal);
        }
    }

    private static IEnumerable<MimeEntity> Multiparts(MimeEntity entity) => entity is Multipart multipart
        ? new[] { entity }.Concat(multipart.SelectMany(Multiparts))
        : [];
}
