using System.Text.RegularExpressions;
using Dapper;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>The counter's fast lane, counted in keys: from the board to the next departure's walk-in in 2, a family of 2 adults and a
/// child paid in cash in 9 more plus typing the name, the next sale one Enter away, and a refused form focusing the field that failed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FastLaneJourneyTests(BrowserFixture browser, ITestOutputHelper output)
{
    private int _keys;

    /// <summary>Every key pressed counts 1; a digit typed counts 1 (the name typed counts 0).</summary>
    private async Task PressAsync(IPage page, string key)
    {
        _keys++;
        await page.Keyboard.PressAsync(key);
    }

    private async Task DigitsAsync(IPage page, string digits)
    {
        _keys += digits.Length;
        await page.Keyboard.TypeAsync(digits);
    }

    /// <summary>The page fits its width (a wide table scrolls inside its own box); names what sticks out when not.</summary>
    private async Task AssertNoSidewaysScrollAsync(IPage page)
    {
        var wider = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                && !e.closest(".overflow-x-auto")).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 8)
            """);
        var (scroll, client) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("document.documentElement.clientWidth"));
        Assert.True(scroll <= client, $"{page.Url} is {scroll} px wide in {client}: {string.Join("; ", wider)}");
    }

    [Theory]
    [InlineData("tablet", 1024, 768)]
    [InlineData("phone", 390, 844)]
    public async Task The_desk_sells_a_cash_family_walk_in_from_the_board_by_keyboard_within_the_key_budget(string name, int width, int height)
    {
        var agentEmail = await StaffSession.CreateStaffAsync(browser.Site.Db, "agent");
        // Alone on a day of its own (no other test uses it), so it is that board's next departure.
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 10, price: 25m, fares: TestData.FamilyFares, maxPersons: 12,
            departureTime: DateTime.UtcNow.Date.AddDays(width > 500 ? 77 : 78).AddHours(6), destination: $"Fast Lane {name}");
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync($"/staff/board?date={departure.DepartureTime:yyyy-MM-dd}");
            await page.GetByLabel("Email").FillAsync(agentEmail);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");
            var row = page.Locator($"tr[data-departure-id='{departure.DepartureId}']");
            await Expect(row.Locator("[data-field=available]")).ToHaveTextAsync("10");
            await Expect(page.Locator("#shortcuts")).ToContainTextAsync("w walk-in next departure");
            await BrowserFixture.AssertAccessibleAsync(page);
            await AssertNoSidewaysScrollAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-fast-lane-1-board");

            // "/" focuses the search, and there the shortcuts stay quiet: "w" typed into it is a letter.
            await PressAsync(page, "/");
            await Expect(page.Locator("#q")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("w");
            await Expect(page.Locator("#q")).ToHaveValueAsync("w");
            await page.Locator("#q").FillAsync("");
            await page.Locator("#q").BlurAsync();
            _keys = 0;

            await PressAsync(page, "w");
            await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Walk-in" })).ToBeFocusedAsync();
            await PressAsync(page, "Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Walk-in") })).ToBeVisibleAsync();
            var toWalkIn = _keys;
            Assert.True(toWalkIn <= 3, $"{toWalkIn} keys from the board to the walk-in");

            await Expect(page.GetByLabel("Full name")).ToBeFocusedAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-fast-lane-2-walk-in");
            _keys = 0;
            await page.Keyboard.TypeAsync("Wanda Walkin");
            await PressAsync(page, "Tab");
            await Expect(page.Locator("#fare-adult")).ToBeFocusedAsync();
            await DigitsAsync(page, "2");
            await PressAsync(page, "Tab");
            await Expect(page.Locator("#fare-child")).ToBeFocusedAsync();
            await DigitsAsync(page, "1");
            while (!await page.Locator("input[name=PaymentMethod]:focus").IsVisibleAsync())
            {
                Assert.True(_keys < 15, "the payment choice is out of reach");
                await PressAsync(page, "Tab");
            }
            await Expect(page.Locator("#payment-none")).ToBeFocusedAsync();
            await PressAsync(page, "ArrowRight");
            await Expect(page.Locator("#payment-cash")).ToBeCheckedAsync();
            await browser.ScreenshotAsync(page, $"{name}-fast-lane-3-walk-in-filled");
            await PressAsync(page, "Enter");

            var code = page.Locator("[data-field=code]");
            await Expect(code).ToHaveTextAsync(new Regex("^JKB-[A-Z2-9]{6}$"));
            var sale = _keys;
            output.WriteLine($"{name}: {toWalkIn} keys from the board to the walk-in, {sale} keys for the sale plus typing the name ({toWalkIn + sale} in all)");
            Assert.True(sale <= 15, $"{sale} keys for the sale");
            Assert.True(toWalkIn + sale <= 15, $"{toWalkIn + sale} keys from the board to the code");
            await Expect(page.GetByText("Wanda Walkin · 3 seats · $62.50")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sell another on this departure" })).ToBeFocusedAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the board" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await AssertNoSidewaysScrollAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-fast-lane-4-receipt");
            Assert.Equal(new SeatState(10, 7, 3, 1), await browser.Site.Data.SeatStateAsync(departure.DepartureId));
            await using (var connection = await browser.Site.Db.OpenConnectionAsync())
            {
                var fares = (await connection.QueryAsync<(string Code, int Count)>("""
                    select f.code, count(*)::int from passengers p join fare_types f on f.id = p.fare_type_id join bookings b on b.id = p.booking_id
                    where b.confirmation_code = @code group by f.code order by f.code
                    """, new { code = await code.TextContentAsync() })).ToList();
                Assert.Equal([("adult", 2), ("child", 1)], fares);
            }

            // The next sale: Enter on the focused link, then a refused form puts the focus on the field that failed.
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByLabel("Full name")).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync("2");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#FullName-error")).Not.ToBeEmptyAsync();
            await Expect(page.GetByLabel("Full name")).ToBeFocusedAsync();
            await Expect(page.GetByLabel("Full name")).ToHaveAttributeAsync("aria-invalid", "true");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-fast-lane-5-refused-name");

            await page.Keyboard.TypeAsync("Too Many");
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("9");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#fares-error")).ToContainTextAsync("seats");
            await Expect(page.Locator("#fare-adult")).ToBeFocusedAsync();
            await Expect(page.Locator("#fare-adult")).ToHaveAttributeAsync("aria-describedby", "fares-error");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-fast-lane-6-refused-counts");
            Assert.Equal(new SeatState(10, 7, 3, 1), await browser.Site.Data.SeatStateAsync(departure.DepartureId));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
