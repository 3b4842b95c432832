using JkBoats.Data;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>The reports on a phone and on a desk screen: the charts draw, the wide tables scroll inside their boxes instead of widening
/// the page, and axe finds nothing serious.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(390, 844, "phone")]
    [InlineData(1280, 800, "desktop")]
    public async Task The_reports_fit_the_screen_and_pass_axe(int width, int height, string name)
    {
        var calendar = browser.Site.App.Services.GetRequiredService<OperatorCalendar>();
        var today = calendar.Today;
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 20, price: 42.50m, fares: TestData.FamilyFares,
            destination: $"Long Destination Name Harbour {Guid.NewGuid():N}"[..40],
            departureTime: calendar.LocalToUtc(today.AddDays(1).ToDateTime(new TimeOnly(15, 30))));
        using var api = browser.Site.CreateClient();
        var booked = await BookingApi.PostAsync(api, new Dictionary<string, object?>
        {
            ["departure_id"] = departure.DepartureId,
            ["customer"] = TestData.Customer(),
            ["passengers"] = new object[] { new { fare = "adult", full_name = "Ana" }, new { fare = "child", full_name = "Rui" }, new { fare = "infant", full_name = "Bo" } },
        });
        Assert.Equal(201, booked.Status);
        var email = await StaffSession.CreateStaffAsync(browser.Site.Db, "admin");
        var from = today.AddDays(-2).ToString("yyyy-MM-dd");
        var to = today.AddDays(12).ToString("yyyy-MM-dd");

        await using var tab = await browser.OpenAsync(width, height);
        var page = tab.Page;
        await page.GotoAsync($"/staff/admin/reports?from={from}&to={to}");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(StaffSession.Password);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reports", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#revenue-per-day rect[data-key]")).ToHaveCountAsync(15);
        await Expect(page.Locator($"#occupancy-table tr[data-departure-id='{departure.DepartureId}']")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, $"reports-{name}-{width}x{height}");
        await BrowserFixture.AssertAccessibleAsync(page);

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the {width} px screen");
    }
}
