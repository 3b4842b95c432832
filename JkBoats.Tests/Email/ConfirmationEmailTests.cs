using JkBoats.Data.Inventory;
using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Xunit.Abstractions;

namespace JkBoats.Tests.Email;

public sealed class ConfirmationEmailTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_family_booking_lists_every_passenger_with_fare_and_price_in_both_parts()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(price: 25.00m, fares: TestData.FamilyFares, maxPersons: 60);
        var email = $"family.{Guid.NewGuid():N}@example.com";

        var answer = await BookingApi.PostRawAsync(http, $$"""
            {"departure_id":"{{departure.DepartureId}}","customer":{"email":"{{email}}","full_name":"Ana Doe","phone":"+14155550132"},
             "passengers":[{"fare":"adult"},{"fare":"child","full_name":"Rui <Doe>"},{"fare":"infant"}]}
            """);

        Assert.Equal(201, answer.Status);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, "the confirmation email");
        var message = bed.Smtp.DeliveriesTo(email)[0].Message;
        Assert.Contains("Passenger:    Ana Doe, Adult, $25.00", message.TextBody);
        Assert.Contains("Passenger:    Rui <Doe>, Child, $12.50", message.TextBody);
        Assert.Contains("Passenger:    Passenger 3, Infant (on a lap), Free", message.TextBody);
        var html = await new HtmlParser().ParseDocumentAsync(message.HtmlBody!);
        Assert.Equal(["Ana Doe, Adult, $25.00", "Rui <Doe>, Child, $12.50", "Passenger 3, Infant (on a lap), Free"],
            html.QuerySelectorAll("#passengers div").Select(d => d.TextContent.Trim()));
    }

    [Fact]
    public async Task A_booking_sends_one_confirmation_email_with_every_detail_in_both_parts()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(price: 25.00m);
        var email = $"grace.{Guid.NewGuid():N}@example.com";

        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 2,
            new { email, full_name = "Grace Hopper", phone = "+14155550132" }));

        Assert.Equal(201, answer.Status);
        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
        var code = answer.Body.GetProperty("confirmation_code").GetString()!;
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, "the confirmation email");
        // The worker marks the row sent just after the SMTP server accepted the message.
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).All(r => r.Status == "sent"), Patience, "the row marked sent");
        var message = bed.Smtp.DeliveriesTo(email)[0].Message;
        var row = Assert.Single(await bed.OutboxRowsAsync(bookingId));

        Assert.Equal(email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Grace Hopper", message.To.Mailboxes.Single().Name);
        Assert.Equal("bookings@jkboats.example", message.From.Mailboxes.Single().Address);
        Assert.Equal($"{row.Id:N}@jkboats.example", message.MessageId);
        Assert.Contains(code, message.Subject);
        Assert.Contains(departure.Destination, message.Subject);
        Assert.Equal(("sent", 1), (row.Status, row.Attempts));
        Assert.NotNull(row.SentAt);

        var local = TimeZoneInfo.ConvertTimeFromUtc(departure.DepartureTime, TimeZoneInfo.FindSystemTimeZoneById(EmailTestBed.TimeZone));
        var localDeparture = JkBoats.Web.Pages.Shared.Display.Default.DayAndTime(local);
        var arriveBy = $"be at the pier by {local.AddMinutes(-15):HH:mm}";
        Assert.NotEqual(departure.DepartureTime.ToString("HH:mm", CultureInfo.InvariantCulture), localDeparture[^5..]);
        var text = message.TextBody;
        foreach (var expected in new[] { code, "Grace Hopper", departure.BoatName, departure.Destination, localDeparture, "2 seats", "$50.00", "photo ID", arriveBy })
        {
            Assert.Contains(expected, text);
        }

        var html = await new HtmlParser().ParseDocumentAsync(message.HtmlBody!);
        Assert.Equal(code, html.QuerySelector("#confirmation-code")!.TextContent);
        var details = html.QuerySelector("#booking-details")!.TextContent;
        foreach (var expected in new[] { departure.BoatName, departure.Destination, localDeparture, "2 seats", "$50.00" })
        {
            Assert.Contains(expected, details);
        }
        var manageLink = html.QuerySelector("a#manage-link")!.GetAttribute("href")!;
        Assert.StartsWith("http://localhost:5000/bookings/manage/", manageLink);
        Assert.Contains(manageLink, text);
    }

    [Fact]
    public async Task Booking_through_the_site_sends_the_confirmation_email_too()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var visitor = new SiteSession(app.BaseAddress);
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"site.{Guid.NewGuid():N}@example.com";

        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = "Site Visitor", ["email"] = email, ["phone"] = "(415) 555-0132",
        });
        var confirmed = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));

        Assert.Equal(HttpStatusCode.SeeOther, confirmed.Status);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, "the confirmation email");
        var confirmation = await visitor.GetAsync(confirmed.Response.Headers.Location!.ToString());
        Assert.Contains(confirmation.Text("#confirmation-code"), bed.Smtp.DeliveriesTo(email)[0].Message.Subject);
    }

    [Fact]
    public async Task Every_value_in_the_html_part_is_encoded()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(destination: $"Bay <i>of</i> \"Pigs\" & Co {Guid.NewGuid():N}"[..40]);
        var email = $"mallory.{Guid.NewGuid():N}@example.com";
        const string name = "Mallory <script>alert('x')</script> & \"Sons\"";

        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = name, phone = "+14155550132" }));

        Assert.Equal(201, answer.Status);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, "the confirmation email");
        var message = bed.Smtp.DeliveriesTo(email)[0].Message;
        var html = await new HtmlParser().ParseDocumentAsync(message.HtmlBody!);
        Assert.Empty(html.QuerySelectorAll("script"));
        Assert.Empty(html.QuerySelectorAll("#booking-details i"));
        Assert.Contains($"Hello {name},", html.Body!.TextContent);
        Assert.Contains(departure.Destination, html.QuerySelector("#booking-details")!.TextContent);
        Assert.Contains(name, message.TextBody);
    }

    [Fact]
    public async Task Confirmation_emails_reach_the_smtp_server_within_seconds_of_the_commit()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["Email:Worker:PollInterval"] = "00:00:05" });
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(capacity: 100);
        var latencies = new List<TimeSpan>();

        for (var i = 0; i < 20; i++)
        {
            var email = $"latency{i}.{Guid.NewGuid():N}@example.com";
            var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Ada Lovelace", phone = "+14155550132" }));
            Assert.Equal(201, answer.Status);
            await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, $"email {i}");
            var row = Assert.Single(await bed.OutboxRowsAsync(answer.Body.GetProperty("booking_id").GetGuid()));
            // created_at is the booking transaction's start, a moment before its commit: this over-estimates a little.
            latencies.Add(bed.Smtp.DeliveriesTo(email)[0].ReceivedAt - row.CreatedAt);
        }

        latencies.Sort();
        output.WriteLine($"commit -> SMTP delivery over {latencies.Count} bookings (poll interval 5 s, so this is the wake-up path): " +
            $"min {latencies[0].TotalMilliseconds:0} ms, median {latencies[latencies.Count / 2].TotalMilliseconds:0} ms, " +
            $"max {latencies[^1].TotalMilliseconds:0} ms");
        Assert.True(latencies[^1] < TimeSpan.FromSeconds(5), $"slowest delivery took {latencies[^1]}");
    }

    [Fact]
    public async Task The_manage_link_shows_the_booking_and_a_forged_link_gets_the_friendly_not_found_page()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(price: 30.00m);
        var email = $"linda.{Guid.NewGuid():N}@example.com";
        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 3, new { email, full_name = "Linda Link", phone = "+14155550132" }));
        var code = answer.Body.GetProperty("confirmation_code").GetString()!;
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 1, Patience, "the confirmation email");
        var html = await new HtmlParser().ParseDocumentAsync(bed.Smtp.DeliveriesTo(email)[0].Message.HtmlBody!);
        var path = new Uri(html.QuerySelector("a#manage-link")!.GetAttribute("href")!).AbsolutePath;

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var page = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, page.QuerySelector("#confirmation-code")!.TextContent);
        Assert.Equal("Confirmed", page.QuerySelector("#booking-status")!.TextContent);
        Assert.Equal("3 seats", page.QuerySelector("#booking-seats")!.TextContent);
        Assert.Equal("$90.00", page.QuerySelector("#booking-total")!.TextContent);
        Assert.Equal(departure.Destination, page.QuerySelector("#booking-destination")!.TextContent);
        Assert.DoesNotContain(email, page.Body!.TextContent);
        Assert.DoesNotContain("Linda Link", page.Body!.TextContent);
        Assert.EndsWith("handler=Cancel", Assert.Single(page.QuerySelectorAll("#cancel-booking form")).GetAttribute("action"));

        var token = path[ManageLinks.PathPrefix.Length..];
        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        var otherBooking = Guid.NewGuid().ToByteArray(bigEndian: true);
        var swapped = System.Buffers.Text.Base64Url.EncodeToString(otherBooking) + token[token.IndexOf('.')..];
        foreach (var bad in new[] { forged, swapped, "nope", "a.b.c", "%20.%20", new string('x', 500) })
        {
            var notFound = await http.GetAsync(ManageLinks.PathPrefix + bad);
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            var friendly = await new HtmlParser().ParseDocumentAsync(await notFound.Content.ReadAsStringAsync());
            Assert.Equal("Page not found", friendly.QuerySelector("h1")!.TextContent);
        }
    }

    [Fact]
    public async Task Cancelling_through_the_manage_link_and_moving_at_the_desk_each_send_their_own_email()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(price: 20.00m, destination: "Coral Bay", departureTime: DateTime.UtcNow.AddDays(4));
        var later = await bed.Data.AddDepartureAsync(departure, DateTime.UtcNow.AddDays(5), destination: "Turtle Cove", price: 25.00m);
        var email = $"carla.{Guid.NewGuid():N}@example.com";
        var kept = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 2, new { email, full_name = "Carla <Change>", phone = "+14155550132" }));
        var dropped = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Carla <Change>", phone = "+14155550132" }));
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 2, Patience, "two confirmation emails");

        using var site = new Pages.SiteSession(app.BaseAddress);
        var links = app.Services.GetRequiredService<ManageLinks>();
        var droppedId = dropped.Body.GetProperty("booking_id").GetGuid();
        var manage = await site.GetAsync((await links.UrlForAsync(droppedId, CancellationToken.None)).AbsolutePath);
        var cancelled = await site.SubmitAsync(manage.Form("#cancel-booking form"));
        Assert.Equal(HttpStatusCode.SeeOther, cancelled.Status);
        var moved = await app.Services.GetRequiredService<SeatInventory>()
            .MoveBookingAsync(kept.Body.GetProperty("booking_id").GetGuid(), later.DepartureId, "desk@jkboats.example", CancellationToken.None);
        Assert.Equal(ChangeResult.Done, moved.Result);
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Count == 4, Patience, "the cancellation and move emails");

        var messages = bed.Smtp.DeliveriesTo(email).Select(d => d.Message).ToList();
        var cancellation = Assert.Single(messages, m => m.Subject!.StartsWith("Booking cancelled: ", StringComparison.Ordinal));
        Assert.Contains(dropped.Body.GetProperty("confirmation_code").GetString()!, cancellation.Subject);
        Assert.Contains("Cancelled by the customer online", cancellation.TextBody);
        Assert.Contains("Carla &lt;Change&gt;", cancellation.HtmlBody);
        var move = Assert.Single(messages, m => m.Subject!.StartsWith("Booking moved: ", StringComparison.Ordinal));
        Assert.Contains("now Turtle Cove", move.Subject);
        Assert.Contains("$50.00", move.TextBody);
        Assert.Equal(4, messages.Select(m => m.MessageId).Distinct().Count());
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(droppedId)).All(r => r.Status == "sent"), Patience, "both rows marked sent");
    }

    [Fact]
    public async Task Without_an_smtp_host_emails_are_written_as_eml_files_a_person_can_open()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var folder = Path.Combine(Path.GetTempPath(), $"jkboats-pickup-{Guid.NewGuid():N}");
        var app = bed.StartApp(new Dictionary<string, string?> { ["Email:Smtp:Host"] = "", ["Email:PickupDirectory"] = folder });
        var engine = app.Services.GetRequiredService<SeatInventory>();
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"desk.{Guid.NewGuid():N}@example.com";
        try
        {
            var outcome = await engine.BookAsync(new BookingCommand(
                new ValidBooking(departure.DepartureId, 1, new CustomerDetails("Walk In", email, "+14155550132")),
                BookingChannel.Desk, IdempotencyKey: null), CancellationToken.None);

            var confirmed = Assert.IsType<BookingOutcome.Confirmed>(outcome);
            await Eventually.HoldsAsync(() => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.eml").Any(), Patience, "an .eml file");
            await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(confirmed.Booking.BookingId)).All(r => r.Status == "sent"), Patience, "the row marked sent");
            var file = Assert.Single(Directory.GetFiles(folder, "*.eml"));
            var row = Assert.Single(await bed.OutboxRowsAsync(confirmed.Booking.BookingId));
            Assert.Equal($"{row.Id:N}@jkboats.example.eml", Path.GetFileName(file));
            var message = await MimeMessage.LoadAsync(file);
            Assert.Equal(email, message.To.Mailboxes.Single().Address);
            Assert.Contains(confirmed.Booking.ConfirmationCode, message.TextBody);
            Assert.Contains(confirmed.Booking.ConfirmationCode, message.HtmlBody);
            Assert.Equal("sent", row.Status);
            Assert.Empty(bed.Smtp.RecipientAttempts);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
