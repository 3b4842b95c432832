using JkBoats.Tests.Api;
using JkBoats.Tests.Staff;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>Money at the desk in the browser, on a phone and a desktop: a part payment by card on the booking page, the rest in cash
/// from the manifest, the history that records both.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PaymentJourneyTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(390, 844, "phone")]
    [InlineData(1280, 800, "desktop")]
    public async Task An_agent_takes_part_by_card_then_the_rest_in_cash_from_the_manifest(int width, int height, string device)
    {
        var agent = await StaffSession.CreateStaffAsync(browser.Site.Db, "agent");
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 12, price: 25m, destination: "Coin Cove", departureTime: DateTime.UtcNow.AddHours(4));
        var answer = await BookingApi.PostAsync(browser.Site.CreateClient(), BookingApi.Body(departure.DepartureId, 3));
        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync($"/staff/bookings/{bookingId}");
            await page.GetByLabel("Email").FillAsync(agent);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-field=balance]")).ToHaveTextAsync("Owes $75.00");

            await page.GetByLabel("Card").CheckAsync();
            await page.GetByLabel("Amount").FillAsync("30");
            await page.GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
            await Expect(page.Locator("[data-field=balance]")).ToHaveTextAsync("Owes $45.00");
            await Expect(page.Locator("#history")).ToContainTextAsync("Paid 30.00 by card");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{device}-payment-1-booking-page");

            await page.GetByRole(AriaRole.Link, new() { Name = "Manifest of this departure" }).ClickAsync();
            var booking = page.Locator($"#manifest tbody[data-booking-id='{bookingId}']");
            await booking.GetByRole(AriaRole.Button, new() { Name = "Take $45.00 cash" }).ClickAsync();
            await Expect(booking.Locator("[data-field=balance]")).ToHaveTextAsync("Paid in full");
            await Expect(page.Locator("[data-field=payment-done]")).ToContainTextAsync("$45.00 cash taken");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{device}-payment-2-manifest");
        }
        finally
        {
            await BrowserFixture.CloseQuietlyAsync(page.Context);
        }
    }
}
