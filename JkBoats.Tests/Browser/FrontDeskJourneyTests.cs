using System.Diagnostics;
using System.Text.RegularExpressions;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>A day at the counter on a tablet (1024×768): sign in, sell a walk-in by keyboard, board, weather-cancel.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FrontDeskJourneyTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Sign_in_sell_a_walk_in_by_keyboard_check_in_print_the_manifest_and_cancel_for_weather()
    {
        var staffEmail = await StaffSession.CreateStaffAsync(browser.Site.Db, "admin");
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 12, price: 30m, destination: "Pirate Cove",
            departureTime: DateTime.UtcNow.AddHours(3));
        var page = await browser.NewPageAsync(1024, 768);
        try
        {
            await page.GotoAsync($"/staff/board?date={departure.DepartureTime:yyyy-MM-dd}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Staff sign-in" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "tablet-desk-1-sign-in");
            await page.GetByLabel("Email").FillAsync(staffEmail);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");

            var row = page.Locator($"tr[data-departure-id='{departure.DepartureId}']");
            await Expect(row.Locator("[data-field=available]")).ToHaveTextAsync("12");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "tablet-desk-2-board");
            await row.GetByRole(AriaRole.Link, new() { Name = "Walk-in" }).ClickAsync();

            // From here the keyboard alone: the name has focus, Tab moves on to the adults' count, Enter books.
            await Expect(page.GetByLabel("Full name")).ToBeFocusedAsync();
            var clock = Stopwatch.StartNew();
            await page.Keyboard.TypeAsync("Walter Walkin");
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync("3");
            await page.Keyboard.PressAsync("Enter");
            var code = page.Locator("[data-field=code]");
            await Expect(code).ToHaveTextAsync(new Regex("^JKB-[A-Z2-9]{6}$"));
            output.WriteLine($"walk-in typed and booked in {clock.Elapsed.TotalSeconds:0.0} s of machine time (a person types for the rest)");
            await Expect(page.GetByText("Walter Walkin · 3 seats · $90.00")).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "tablet-desk-3-walk-in-code");
            Assert.Equal(new SeatState(12, 9, 3, 1), await browser.Site.Data.SeatStateAsync(departure.DepartureId));

            await page.GetByRole(AriaRole.Link, new() { Name = "Manifest of this departure" }).ClickAsync();
            var booking = page.Locator("#manifest tbody[data-booking-id]", new() { HasText = "Walter Walkin" });
            await booking.GetByRole(AriaRole.Button, new() { Name = "Check in all" }).ClickAsync();
            await Expect(booking.Locator("tr[data-passenger-id] [data-state=checked-in]")).ToHaveCountAsync(3);
            await Expect(page.Locator("[data-field=headcount]")).ToContainTextAsync("3 of 3 persons on board");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "tablet-desk-4-manifest-checked-in");
            await page.EmulateMediaAsync(new() { Media = Media.Print });
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Front desk" })).ToBeHiddenAsync();
            await browser.ScreenshotAsync(page, "tablet-desk-5-manifest-print");
            await page.EmulateMediaAsync(new() { Media = Media.Screen });

            await page.GetByRole(AriaRole.Link, new() { Name = "Cancel departure" }).ClickAsync();
            await page.GetByLabel("Reason (sent to customers)").FillAsync("Storm warning from the coast guard");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "tablet-desk-6-weather-cancel");
            await page.GetByLabel("Cancel them all and release the seats").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Review the cancellation" }).ClickAsync();
            await Expect(page.Locator("#review-action")).ToContainTextAsync("Every booking is cancelled");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "tablet-desk-6b-weather-review");
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel the departure" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Manifest") })).ToBeVisibleAsync();
            await Expect(page.Locator("h1 + p strong")).ToHaveTextAsync("Cancelled");
            await browser.ScreenshotAsync(page, "tablet-desk-7-cancelled");
            Assert.Equal(new SeatState(12, 12, 0, 0), await browser.Site.Data.SeatStateAsync(departure.DepartureId));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task An_admin_changes_the_opening_hours_and_the_site_footer_shows_them(string name, int width, int height)
    {
        var adminEmail = await StaffSession.CreateStaffAsync(browser.Site.Db, "admin");
        var details = browser.Site.App.Services.GetRequiredService<JkBoats.Data.Operator.OperatorRepository>();
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync("/staff/admin/operator");
            await page.GetByLabel("Email").FillAsync(adminEmail);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operator details" })).ToBeVisibleAsync();
            await page.GetByLabel("Desk opening hours").FillAsync($"Daily 8:00–18:00 ({name})");
            await page.GetByLabel("Map link").FillAsync("http://not-https.example");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
            await Expect(page.Locator("#MapUrl-error")).ToContainTextAsync("https://");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-admin-operator-refused");
            await page.GetByLabel("Map link").FillAsync("https://www.openstreetmap.org/search?query=Harbour%20Road%20Sausalito");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
            await Expect(page.GetByText("Operator details saved")).ToBeVisibleAsync();

            await page.GotoAsync("/");
            await Expect(page.Locator("#footer-contact")).ToContainTextAsync($"Desk open Daily 8:00–18:00 ({name})");
            await browser.ScreenshotAsync(page, $"{name}-admin-operator-footer");
        }
        finally
        {
            await details.SaveAsync(details.Defaults, "test", CancellationToken.None);
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task The_desk_sells_a_walk_in_family_with_every_name_and_a_childs_birth_year_and_the_manifest_lists_them(string name, int width, int height)
    {
        var agentEmail = await StaffSession.CreateStaffAsync(browser.Site.Db, "agent");
        var departure = await browser.Site.Data.CreateFamilyDepartureSoonAsync();
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync($"/staff/departures/{departure.DepartureId}/walk-in");
            await page.GetByLabel("Email").FillAsync(agentEmail);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.Locator("#FullName")).ToBeFocusedAsync();
            await page.Locator("#fare-adult").FillAsync("2");
            await page.Locator("#fare-child").FillAsync("1");
            await page.GetByLabel("Full name").FillAsync("Wanda Walkin");
            await page.GetByLabel("Phone").FillAsync("415 555 0188");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add names and needs" }).ClickAsync();

            await Expect(page.Locator("#passenger-names li")).ToHaveCountAsync(3);
            await Expect(page.GetByLabel("Full name")).ToHaveValueAsync("Wanda Walkin");
            await page.Locator("#passenger-name-1").FillAsync("Will Walkin");
            await page.Locator("#passenger-name-2").FillAsync("Kim Walkin");
            await page.Locator("#passenger-year-2").FillAsync("2018");
            await page.Locator("#passenger-needs-2").SelectOptionAsync("reduced_mobility");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-desk-walk-in-names");
            await page.GetByRole(AriaRole.Button, new() { Name = "Book and show code" }).ClickAsync();
            await Expect(page.Locator("[data-field=code]")).ToHaveTextAsync(new Regex("^JKB-[A-Z2-9]{6}$"));

            await page.GetByRole(AriaRole.Link, new() { Name = "Manifest of this departure" }).ClickAsync();
            var rows = page.Locator("#manifest tr[data-passenger-id]");
            await Expect(rows.Locator("[data-field=name]")).ToHaveTextAsync(["Wanda Walkin", "Will Walkin", "Kim Walkin"]);
            await Expect(rows.Nth(2).Locator("[data-field=fare]")).ToHaveTextAsync("Child · born 2018");
            await Expect(rows.Nth(2).Locator("[data-field=needs]")).ToContainTextAsync("Reduced mobility");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-desk-walk-in-manifest");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task The_desk_boards_three_of_a_family_of_four_and_marks_the_fourth_a_no_show_after_departure(string name, int width, int height)
    {
        var agentEmail = await StaffSession.CreateStaffAsync(browser.Site.Db, "agent");
        var departure = await browser.Site.Data.CreateFamilyDepartureSoonAsync();
        using (var api = browser.Site.CreateClient())
        {
            var family = await Api.BookingApi.PostRawAsync(api, $$"""
                {"departure_id":"{{departure.DepartureId}}","customer":{{System.Text.Json.JsonSerializer.Serialize(TestData.Customer(fullName: "Ana Doe"))}},
                 "passengers":[{"fare":"adult","full_name":"Ana Doe"},{"fare":"adult","full_name":"Bo Doe"},
                               {"fare":"child","full_name":"Rui Doe","needs":"other","needs_note":"Gets seasick"},{"fare":"infant","full_name":"Mia Doe"}]}
                """);
            Assert.Equal(201, family.Status);
        }
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync($"/staff/departures/{departure.DepartureId}");
            await page.GetByLabel("Email").FillAsync(agentEmail);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");
            var rows = page.Locator("#manifest tr[data-passenger-id]");
            await Expect(rows).ToHaveCountAsync(4);
            await Expect(rows.Nth(2)).ToContainTextAsync("Gets seasick");
            foreach (var passenger in new[] { "Ana Doe", "Bo Doe", "Rui Doe" })
            {
                var row = page.Locator("#manifest tr[data-passenger-id]", new() { HasText = passenger });
                await row.GetByRole(AriaRole.Button, new() { Name = "Check in", Exact = true }).ClickAsync();
                await Expect(row.Locator("[data-state=checked-in]")).ToHaveCountAsync(1);
            }
            await Expect(page.Locator("[data-field=headcount]")).ToContainTextAsync("3 of 4 persons on board");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-desk-family-boarding");

            await browser.Site.Data.MoveIntoPastAsync(departure.DepartureId);
            await page.ReloadAsync();
            var late = page.Locator("#manifest tr[data-passenger-id]", new() { HasText = "Mia Doe" });
            await late.GetByRole(AriaRole.Button, new() { Name = "No-show", Exact = true }).ClickAsync();
            await Expect(late.Locator("[data-state=no-show]")).ToHaveCountAsync(1);
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-desk-family-no-show");

            await using var connection = await browser.Site.Db.OpenConnectionAsync();
            Assert.Equal((3, 1), await Dapper.SqlMapper.QuerySingleAsync<(int, int)>(connection, """
                select count(*) filter (where p.checked_in_at is not null)::int, count(*) filter (where p.no_show_at is not null)::int
                from passengers p join bookings b on b.id = p.booking_id where b.departure_id = @id
                """, new { id = departure.DepartureId }));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task An_agent_meets_the_staff_403_page_and_after_sign_out_a_copied_cookie_opens_nothing(string name, int width, int height)
    {
        var agentEmail = await StaffSession.CreateStaffAsync(browser.Site.Db, "agent");
        var page = await browser.NewPageAsync(width, height);
        try
        {
            await page.GotoAsync("/staff/admin/boats");
            await page.GetByLabel("Email").FillAsync(agentEmail);
            await page.GetByLabel("Password").FillAsync(StaffSession.Password);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admins only" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the board" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, $"{name}-staff-403");

            var copied = await page.Context.CookiesAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Staff sign-in" })).ToBeVisibleAsync();

            var thief = await page.Context.Browser!.NewContextAsync(new() { BaseURL = page.Url[..page.Url.IndexOf("/staff", StringComparison.Ordinal)] });
            await thief.AddCookiesAsync(copied.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
            var stolen = await thief.NewPageAsync();
            await stolen.GotoAsync("/staff/bookings?q=JKB");
            await Expect(stolen.GetByRole(AriaRole.Heading, new() { Name = "Staff sign-in" })).ToBeVisibleAsync();
            await thief.CloseAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
