using Dapper;
using JkBoats.Data.Bookings;
using System.Text.RegularExpressions;
using JkBoats.Data;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CustomerJourneyTests(BrowserFixture browser)
{
    // Browser contexts close themselves after BrowserFixture.TestLimit; this also catches a test stuck outside the browser.
    private const int TestTimeout = 180_000;

    private OperatorCalendar Calendar => browser.Site.App.Services.GetRequiredService<OperatorCalendar>();


    [Theory(Timeout = TestTimeout)]
    [InlineData("phone", 390, 844, true)]
    [InlineData("desktop", 1280, 800, true)]
    [InlineData("phone-nojs", 390, 844, false)]
    public async Task A_customer_finds_a_trip_books_it_and_looks_it_up(string name, int width, int height, bool javaScript)
    {
        await using var tab = await browser.OpenAsync(width, height, javaScript);
        var page = tab.Page;
        var email = $"journey-{name}-{Guid.NewGuid():N}@example.com";
        var day = browser.SeededOn.AddDays(3); // the demo's third day, with its sold-out evening trip, even after midnight

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Find a boat trip" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-1-home");

        await page.GetByLabel("Destination").SelectOptionAsync("Coral Bay");
        if (javaScript)
        {
            // The filter form is part of the list htmx swaps: let the destination's answer land before typing the date.
            await Expect(page).ToHaveURLAsync(new Regex("destination=Coral(\\+|%20)Bay"));
            await BrowserFixture.SettledAsync(page);
        }
        await page.GetByLabel("Date", new() { Exact = true }).FillAsync(day.ToString("yyyy-MM-dd"));
        if (!javaScript)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Show trips" }).ClickAsync();
        }
        await Expect(page).ToHaveURLAsync(new Regex($"destination=Coral(\\+|%20)Bay&date={day:yyyy-MM-dd}"));
        var cards = page.Locator("li[data-departure-id]");
        await Expect(cards).ToHaveCountAsync(3);
        await Expect(cards.Nth(2).Locator("[data-seats]")).ToHaveTextAsync("Sold out");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-2-search");

        await cards.Nth(0).GetByRole(AriaRole.Link, new() { Name = "Select this departure" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Coral Bay", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#departure-seats [data-seats]")).ToHaveTextAsync(new Regex("seats left|Only"));
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-3-departure");

        await page.GetByRole(AriaRole.Link, new() { Name = "Book seats" }).ClickAsync();
        await page.Locator("#fare-adult").FillAsync("2");
        await page.GetByLabel("Full name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Mobile phone").FillAsync("+1 415 555 0132");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-4-details");

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check and confirm" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-review=total]")).ToHaveTextAsync("$36.00");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-5-review");

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/bookings/[0-9a-f-]{36}\\?key=[A-Za-z0-9_-]{43}$"));
        var code = page.Locator("#confirmation-code");
        await Expect(code).ToHaveTextAsync(new Regex("^JKB-[A-Z2-9]{6}$"));
        await Expect(page.Locator("[data-booking=total]")).ToHaveTextAsync("$36.00");
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("QR code") })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print confirmation" })).ToBeVisibleAsync(new() { Visible = javaScript });
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-6-confirmation");
        var confirmationCode = await code.TextContentAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Find my bookings" }).ClickAsync();
        await page.GetByLabel("Email or phone number").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find bookings" }).ClickAsync();
        await Expect(page.Locator("#lookup-results li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#lookup-results li").First).ToHaveAttributeAsync("data-code", ConfirmationCode.Mask(confirmationCode!));
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-7-lookup-masked");


        await page.GetByLabel("Email or phone number").FillAsync("nobody-here@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find bookings" }).ClickAsync();
        await Expect(page.GetByText("No bookings found")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-8-lookup-none");
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData("phone", 390, 844, true)]
    [InlineData("desktop", 1280, 800, true)]
    [InlineData("phone-nojs", 390, 844, false)]
    public async Task A_look_up_shows_the_code_masked_and_the_whole_code_with_the_email_opens_the_ticket(string name, int width, int height, bool javaScript)
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 6, destination: "Coral Bay", departureTime: DateTime.UtcNow.Date.AddDays(4).AddHours(10));
        var email = $"open-{name}-{Guid.NewGuid():N}@example.com";
        using var api = browser.Site.CreateClient();
        var booked = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2, TestData.Customer(email)));
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;
        await using var tab = await browser.OpenAsync(width, height, javaScript);
        var page = tab.Page;

        await page.GotoAsync("/bookings/find");
        await page.GetByLabel("Email or phone number").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find bookings" }).ClickAsync();
        await Expect(page.Locator("#lookup-results li").First).ToHaveAttributeAsync("data-code", ConfirmationCode.Mask(code));
        await page.Locator("#lookup-results li").First.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByLabel("Confirmation code").FillAsync(code.ToLowerInvariant());
        await page.GetByLabel("Email or phone number").FillAsync(email);
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-open-booking");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open booking" }).ClickAsync();

        await Expect(page.Locator("#confirmation-code")).ToHaveTextAsync(code);
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("QR code") })).ToBeVisibleAsync();
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData("phone", true)]
    [InlineData("phone-nojs", false)]
    public async Task A_family_books_two_adults_a_child_and_an_infant_with_the_steppers_and_sees_every_passenger_priced(string name, bool javaScript)
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(
            capacity: 10, price: 25.00m, fares: TestData.FamilyFares, maxPersons: 12, departureTime: DateTime.UtcNow.Date.AddDays(5).AddHours(9));
        await using var tab = await browser.OpenAsync(390, 844, javaScript);
        var page = tab.Page;

        await page.GotoAsync($"/departures/{departure.DepartureId}/book");
        await Expect(page.Locator("#fare-adult")).ToBeFocusedAsync();
        await Expect(page.Locator("[data-fare=infant]")).ToContainTextAsync("on a lap, no seat", new() { IgnoreCase = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "One Adult ticket more" }).ClickAsync();
        await Expect(page.Locator("#fare-adult")).ToHaveValueAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "One Child ticket more" }).ClickAsync();
        await Expect(page.Locator("#fare-child")).ToHaveValueAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "One Infant ticket more" }).ClickAsync();
        await Expect(page.Locator("#fare-infant")).ToHaveValueAsync("1");
        await Expect(page.Locator("#live-total")).ToHaveTextAsync("$62.50");
        await Expect(page.Locator("[data-passenger]")).ToHaveCountAsync(4);

        await page.Locator("#passenger-name-1").FillAsync("Bo Doe");
        await page.Locator("#passenger-name-2").FillAsync("Rui Doe");
        await page.Locator("#passenger-year-2").FillAsync("2018");
        await page.Locator("#passenger-needs-2").SelectOptionAsync("other");
        await page.Locator("#passenger-note-2").FillAsync("Gets seasick");
        await page.Locator("#passenger-name-3").FillAsync("Mia Doe");
        await page.GetByLabel("Full name").FillAsync("Ana Doe");
        await page.GetByLabel("Email").FillAsync($"family-{name}-{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Mobile phone").FillAsync("+1 415 555 0132");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-family-1-tickets");

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check and confirm" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-review=total]")).ToHaveTextAsync("$62.50");
        await Expect(page.Locator("[data-review=persons]")).ToHaveTextAsync("4");
        await Expect(page.Locator("[data-review-passenger]")).ToHaveTextAsync([
            new Regex("Ana Doe.*Adult.*\\$25\\.00", RegexOptions.Singleline), new Regex("Bo Doe.*Adult", RegexOptions.Singleline), new Regex("Rui Doe · born 2018 · Other needs.*Child.*\\$12\\.50", RegexOptions.Singleline),
            new Regex("Mia Doe.*Infant \\(on a lap\\).*Free", RegexOptions.Singleline)]);
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-family-2-review");

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(page.Locator("#confirmation-code")).ToHaveTextAsync(new Regex("^JKB-[A-Z2-9]{6}$"));
        await Expect(page.Locator("[data-booking=total]")).ToHaveTextAsync("$62.50");
        await Expect(page.Locator("#booking-passengers tbody tr")).ToHaveCountAsync(4);
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-family-3-confirmation");

        Assert.Equal(new TestData.PersonState(12, 8, 4, 3, 4), await browser.Site.Data.PersonStateAsync(departure.DepartureId));
        await using var connection = await browser.Site.Db.OpenConnectionAsync();
        Assert.Equal([null, null, 2018, null], await connection.QueryAsync<int?>("""
            select p.birth_year::int from passengers p join bookings bk on bk.id = p.booking_id where bk.departure_id = @DepartureId order by p.position
            """, new { departure.DepartureId }));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Seats_sold_out_between_review_and_confirm_let_the_customer_change_seats_and_still_book()
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 4, price: 30m, destination: "Sandbar Point",
            departureTime: DateTime.UtcNow.Date.AddDays(5).AddHours(15));
        await using var tab = await browser.OpenAsync(1280, 800);
        var page = tab.Page;

        await page.GotoAsync($"/departures/{departure.DepartureId}/book");
        await page.Locator("#fare-adult").FillAsync("3");
        await page.GetByLabel("Full name").FillAsync("Grace Hopper");
        await page.GetByLabel("Email").FillAsync("grace@example.com");
        await page.GetByLabel("Mobile phone").FillAsync("415 555 0132");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();
        await Expect(page.Locator("[data-review=total]")).ToHaveTextAsync("$90.00");

        await browser.Site.TakeSeatsAsync(departure.DepartureId, 3);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();

        await Expect(page.Locator("#booking-notice")).ToContainTextAsync("Only 1 seat is left.");
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync("grace@example.com");
        await Expect(page.GetByLabel("Full name")).ToHaveValueAsync("Grace Hopper");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-soldout-1-only-one-left");

        await page.Locator("#fare-adult").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();
        await Expect(page.Locator("[data-review=total]")).ToHaveTextAsync("$30.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/bookings/[0-9a-f-]{36}\\?key=[A-Za-z0-9_-]{43}$"));
        await Expect(page.Locator("[data-booking=seats]")).ToHaveTextAsync("1 seat");
        await browser.ScreenshotAsync(page, "desktop-soldout-2-booked");

        await page.GotoAsync($"/departures/{departure.DepartureId}");
        await Expect(page.Locator("#departure-seats [data-seats]")).ToHaveTextAsync("Sold out");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-soldout-3-departure-full");

        await page.GotoAsync("/no-such-page");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-404");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Seat_counts_on_the_list_refresh_by_themselves()
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 9, destination: "Lagoon Steps",
            departureTime: DateTime.UtcNow.Date.AddDays(6).AddHours(10));
        await using var tab = await browser.OpenAsync(390, 844);
        var page = tab.Page;
        await page.GotoAsync($"/?destination=Lagoon%20Steps&date={Calendar.ToLocal(departure.DepartureTime):yyyy-MM-dd}");
        var seats = page.Locator($"#seats-{departure.DepartureId} [data-seats]");
        await Expect(seats).ToHaveTextAsync("9 seats left");

        await browser.Site.TakeSeatsAsync(departure.DepartureId, 7);

        await Expect(seats).ToHaveTextAsync("Only 2 left", new() { Timeout = 12_000 });
    }
}
