using System.Text.RegularExpressions;
using Dapper;
using JkBoats.Data.Payments;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using JkBoats.Web.Pages.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>The till at the end of a day on a phone and at a desk: count, see the difference, print the close-out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TillTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task An_admin_counts_the_till_sees_the_difference_and_prints_the_close_out(string name, int width, int height)
    {
        await TimeOfDay.AwayFromMidnightAsync(TimeSpan.FromMinutes(2)); // the payments below are today's till, read a moment later
        var site = browser.Site;
        var admin = await StaffSession.CreateStaffAsync(site.Db, "admin");
        var agent = await StaffSession.CreateStaffAsync(site.Db, "agent");
        var departure = await site.Data.CreateDepartureAsync(capacity: 10);
        var booked = await BookingApi.PostAsync(site.CreateClient(), BookingApi.Body(departure.DepartureId, 2));
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        await using (var connection = await site.Db.OpenConnectionAsync())
        {
            foreach (var (who, kind, method, amount) in new[]
            {
                (admin, PaymentKind.Payment, PaymentMethod.Cash, 45.00m), (admin, PaymentKind.Payment, PaymentMethod.Card, 30.00m),
                (admin, PaymentKind.Payment, PaymentMethod.Other, 12.50m), (admin, PaymentKind.Refund, PaymentMethod.Cash, 5.00m),
                (agent, PaymentKind.Payment, PaymentMethod.Cash, 20.00m),
            })
            {
                await connection.ExecuteAsync("""
                    insert into payments (booking_id, kind, method, amount, taken_by) values (@bookingId, @kind, @method, @amount, @who);
                    insert into booking_events (booking_id, kind, actor, summary) values (@bookingId, case when @kind = 'payment' then 'paid' else 'refunded' end, @who, 'Seeded');
                    """,
                    new { bookingId, kind, method, amount, who });
            }
        }
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync("/staff/till");
            await page.GetByLabel("Email").FillAsync(admin);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Till:") })).ToBeVisibleAsync();
            await Expect(page.Locator("[data-field=expected-cash]").First).ToHaveTextAsync(Display.Default.Price(40.00m));

            await page.GetByLabel("Counted cash").FillAsync("abc");
            await page.GetByRole(AriaRole.Button, new() { Name = "Record the count" }).ClickAsync();
            await Expect(page.Locator("#CountedCash-error")).ToContainTextAsync("amount of money");
            await browser.ScreenshotAsync(page, $"{name}-till-refused");
            await BrowserFixture.AssertAccessibleAsync(page);

            await page.GetByLabel("Counted cash").FillAsync("38.00");
            await page.GetByLabel("Note (optional)").FillAsync("Two dollars short, checked twice");
            await page.GetByRole(AriaRole.Button, new() { Name = "Record the count" }).ClickAsync();
            await Expect(page.Locator("#close-state [data-field=difference]")).ToHaveTextAsync($"{Display.Default.Price(2.00m)} short");
            await Expect(page.Locator($"#everyone tr[data-staff='{agent}'] [data-field=close-state]")).ToHaveTextAsync("Not closed");
            await browser.ScreenshotAsync(page, $"{name}-till-closed");
            await BrowserFixture.AssertAccessibleAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Printable close-out" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Till close-out") })).ToBeVisibleAsync();
            await Expect(page.Locator("#close-out-summary [data-field=difference]")).ToHaveTextAsync($"{Display.Default.Price(2.00m)} short");
            await browser.ScreenshotAsync(page, $"{name}-till-close-out");
            await BrowserFixture.AssertAccessibleAsync(page);
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Front desk" })).ToBeHiddenAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeHiddenAsync();
            await browser.ScreenshotAsync(page, $"{name}-till-close-out-print");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
