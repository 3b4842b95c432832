using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;
using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>The weather-choice and waiting-list-offer emails, read from the SMTP server: why, until when, the link to act on.</summary>
public sealed class SelfServiceEmailTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static string Local(DateTime utc) =>
        Display.Default.DayAndTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(EmailTestBed.TimeZone)));

    [Fact]
    public async Task A_weather_choice_email_says_why_until_when_and_links_the_choice_without_a_ticket()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        var storm = await bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddDays(1));
        var offered = await bed.Data.AddDepartureAsync(storm, DateTime.UtcNow.AddDays(2));
        var email = $"storm.{Guid.NewGuid():N}@example.com";
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        var booking = Assert.IsType<BookingOutcome.Confirmed>(await inventory.BookAsync(new BookingCommand(new ValidBooking(storm.DepartureId, 2,
            new CustomerDetails("Sol Storm", email, "+14155550132")), BookingChannel.Web, null), CancellationToken.None)).Booking;
        var deadline = DateTime.UtcNow.AddHours(3);
        Assert.Equal(WeatherPlanResult.Done, (await inventory.StartWeatherChoiceAsync(new WeatherPlanRequest(
            storm.DepartureId, "Gale <warning>", [offered.DepartureId], deadline, WeatherDefault.Move, "admin"), CancellationToken.None)).Result);

        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Any(d => KindOf(d.Message) == EmailKinds.WeatherChoice), Patience, "the weather email");
        var message = bed.Smtp.DeliveriesTo(email).Single(d => KindOf(d.Message) == EmailKinds.WeatherChoice).Message;
        Assert.StartsWith($"Departure cancelled, please choose: {booking.ConfirmationCode}", message.Subject);
        var html = await HtmlOf(message);
        Assert.Contains("Gale <warning>", html.Body!.TextContent);
        Assert.Equal(Local(deadline), html.QuerySelector("#choose-by")!.TextContent);
        Assert.Equal("Departure cancelled: waiting for your choice", DetailRows(html)["Status"]);
        var manageUrl = (await app.Services.GetRequiredService<ManageLinks>().UrlForAsync(booking.BookingId, CancellationToken.None)).AbsoluteUri;
        Assert.Equal(manageUrl, html.QuerySelector("a#manage-link")!.GetAttribute("href"));
        Assert.Empty(html.QuerySelectorAll("img[src^='cid:']"));
        Assert.DoesNotContain(message.BodyParts, p => p.ContentType.IsMimeType("text", "calendar"));
        var text = LinesOf(message);
        Assert.Contains($"Choose your departure or cancel: {manageUrl}", text);
        Assert.Contains(text, l => l.Contains($"Please choose by {Local(deadline)}. If we hear nothing by then, we move you", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_waiting_list_offer_email_holds_the_seats_until_a_time_and_links_the_confirmation()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        var departure = await bed.Data.CreateDepartureAsync(capacity: 2, departureTime: DateTime.UtcNow.AddDays(2));
        var inventory = app.Services.GetRequiredService<SeatInventory>();
        var full = Assert.IsType<BookingOutcome.Confirmed>(await inventory.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 2,
            new CustomerDetails("Full Boat", $"full.{Guid.NewGuid():N}@example.com", "+14155550132")), BookingChannel.Web, null), CancellationToken.None)).Booking;
        var email = $"wait.{Guid.NewGuid():N}@example.com";
        var joined = await inventory.JoinWaitlistAsync(new WaitlistJoin(departure.DepartureId, new CustomerDetails("Wyn Wait", email, "+14155550133"),
            new Dictionary<string, int> { ["adult"] = 2 }), CancellationToken.None);
        Assert.Equal(WaitlistJoinResult.Joined, joined.Result);
        await inventory.CancelBookingAsync(full.BookingId, "plans changed", "customer", null, CancellationToken.None);

        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(email).Any(d => KindOf(d.Message) == EmailKinds.WaitlistOffer), Patience, "the offer email");
        var message = bed.Smtp.DeliveriesTo(email).Single(d => KindOf(d.Message) == EmailKinds.WaitlistOffer).Message;
        var entryUrl = (await app.Services.GetRequiredService<ManageLinks>().WaitlistUrlForAsync(joined.EntryId!.Value, CancellationToken.None)).AbsoluteUri;
        var html = await HtmlOf(message);
        Assert.Contains(html.QuerySelectorAll("a"), a => a.GetAttribute("href") == entryUrl);
        Assert.Contains(entryUrl, message.TextBody);
        Assert.Contains(Local(departure.DepartureTime), message.TextBody);
        Assert.DoesNotContain("UTC", message.TextBody + message.HtmlBody + message.Subject);
    }
}
