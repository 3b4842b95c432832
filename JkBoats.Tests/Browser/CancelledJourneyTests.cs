using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>A customer whose departure was cancelled for weather opens the confirmation and the departure in a browser: no ticket,
/// who cancelled and why, the operator's contact, and the next departure to the same place one tap away.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CancelledJourneyTests(BrowserFixture browser)
{
    [Theory(Timeout = 180_000)]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task A_weather_cancelled_booking_shows_no_ticket_says_why_and_leads_to_the_next_departure(string name, int width, int height)
    {
        var destination = $"Gale Bay {Guid.NewGuid():N}"[..16];
        var cancelled = await browser.Site.Data.CreateDepartureAsync(capacity: 8, destination: destination, departureTime: DateTime.UtcNow.AddDays(2));
        var next = await browser.Site.Data.CreateDepartureAsync(capacity: 8, destination: destination, departureTime: DateTime.UtcNow.AddDays(3));
        var inventory = browser.Site.App.Services.GetRequiredService<SeatInventory>();
        var booked = await inventory.BookAsync(new BookingCommand(new ValidBooking(cancelled.DepartureId, 2,
            new CustomerDetails("Wendy Weather", $"wendy-{Guid.NewGuid():N}@example.com", "+14155550123")), BookingChannel.Web, null), CancellationToken.None);
        var bookingId = Assert.IsType<BookingOutcome.Confirmed>(booked).Booking.BookingId;
        await inventory.CancelDepartureAsync(cancelled.DepartureId, "Storm warning", moveTo: null, "admin@jkboats.example", CancellationToken.None);
        await using var tab = await browser.OpenAsync(width, height);
        var page = tab.Page;

        await page.GotoAsync(await ConfirmationPages.PathAsync(browser.Site.App.Services, bookingId));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This booking is cancelled" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-booking=cancelled-by]")).ToHaveTextAsync("Cancelled by JK Boats: Storm warning");
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new System.Text.RegularExpressions.Regex("QR code") })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print confirmation" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#operator-contact [data-operator=phone]")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-cancelled-1-booking");

        await page.GotoAsync($"/departures/{cancelled.DepartureId}");
        await Expect(page.Locator("#departure-cancelled")).ToContainTextAsync("Storm warning");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-cancelled-2-departure");
        await page.Locator($"[data-alternative='{next.DepartureId}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/departures/{next.DepartureId}$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Book seats" })).ToBeVisibleAsync();
    }
}
