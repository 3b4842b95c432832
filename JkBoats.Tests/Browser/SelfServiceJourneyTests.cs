using System.Text.RegularExpressions;
using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>A customer helps themselves on a phone: moves a family booking and takes a passenger off through the manage link, and
/// joins a sold-out departure's waiting list, gets seats held and confirms them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SelfServiceJourneyTests(BrowserFixture browser)
{
    private SeatInventory Inventory => browser.Site.App.Services.GetRequiredService<SeatInventory>();

    [Theory(Timeout = 180_000)]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task A_customer_moves_the_family_to_a_later_boat_and_takes_the_child_off_through_the_manage_link(string name, int width, int height)
    {
        var from = await browser.Site.Data.CreateDepartureAsync(capacity: 8, price: 25m, fares: TestData.FamilyFares, maxPersons: 10,
            departureTime: DateTime.UtcNow.AddDays(3));
        var later = await browser.Site.Data.AddDepartureAsync(from, DateTime.UtcNow.AddDays(4), price: 30m);
        var booked = await Inventory.BookAsync(new BookingCommand(new ValidBooking(from.DepartureId, 3,
            new CustomerDetails("Mia Mover", $"mia-{Guid.NewGuid():N}@example.com", "+14155550123"),
            [new("adult", "Mia Mover", null, null, null), new("adult", "Max Mover", null, null, null), new("child", "Kit Mover", 2017, null, null)]),
            BookingChannel.Web, null), CancellationToken.None);
        var bookingId = Assert.IsType<BookingOutcome.Confirmed>(booked).Booking.BookingId;
        var manage = await browser.Site.App.Services.GetRequiredService<ManageLinks>().UrlForAsync(bookingId, CancellationToken.None);
        await using var tab = await browser.OpenAsync(width, height);
        var page = tab.Page;

        await page.GotoAsync(manage.PathAndQuery);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Change this booking" })).ToBeVisibleAsync();
        await page.GetByText($"Move to another departure to {from.Destination}").ClickAsync();
        await Expect(page.Locator("#move-booking")).ToContainTextAsync("$10.00 more");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-selfservice-1-move-options");
        await page.Locator($"input[name=targetDepartureId][value='{later.DepartureId}']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move my booking" }).ClickAsync();
        await Expect(page.Locator("#manage-notice")).ToContainTextAsync("$10.00 more, paid at the pier");
        await Expect(page.Locator("#booking-total")).ToHaveTextAsync("$72.50");
        await browser.ScreenshotAsync(page, $"{name}-selfservice-2-moved");

        await page.GetByText("Take passengers off the booking").ClickAsync();
        await page.GetByLabel(new Regex("Kit Mover")).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove ticked passengers" }).ClickAsync();
        await Expect(page.Locator("#manage-notice")).ToContainTextAsync("1 passenger is off the booking");
        await Expect(page.Locator("#booking-seats")).ToHaveTextAsync("2 seats");
        await Expect(page.Locator("#booking-total")).ToHaveTextAsync("$60.00");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-selfservice-3-child-off");
        Assert.Equal(new SeatState(8, 6, 2, 1), await browser.Site.Data.SeatStateAsync(later.DepartureId));
        Assert.Equal(new SeatState(8, 8, 0, 0), await browser.Site.Data.SeatStateAsync(from.DepartureId));
    }

    [Theory(Timeout = 180_000)]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task A_customer_joins_a_sold_out_departures_waiting_list_gets_seats_held_and_confirms_them(string name, int width, int height)
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 4, fares: TestData.FamilyFares, maxPersons: 5,
            departureTime: DateTime.UtcNow.AddDays(2));
        var full = await Inventory.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 4,
            new CustomerDetails("Full Boat", $"full-{Guid.NewGuid():N}@example.com", "+14155550124")), BookingChannel.Web, null), CancellationToken.None);
        var fullId = Assert.IsType<BookingOutcome.Confirmed>(full).Booking.BookingId;
        var email = $"wanda-{Guid.NewGuid():N}@example.com";
        await using var tab = await browser.OpenAsync(width, height);
        var page = tab.Page;

        await page.GotoAsync($"/departures/{departure.DepartureId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Join the waiting list" }).ClickAsync();
        await page.Locator("#fare-adult").FillAsync("2");
        await page.Locator("#full_name").FillAsync("Wanda Waiting");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#phone").FillAsync("+1 415 555 0188");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-waitlist-1-join");
        await page.GetByRole(AriaRole.Button, new() { Name = "Join the waiting list" }).ClickAsync();
        await Expect(page.Locator("#waitlist-joined")).ToContainTextAsync("You are on the list");
        var entryUrl = new Uri(page.Url).PathAndQuery.Split('?')[0];
        await browser.ScreenshotAsync(page, $"{name}-waitlist-2-on-the-list");

        // Someone cancels: the two freed seats are held for the first entry that fits, this one.
        Assert.Equal(ChangeResult.Done, (await Inventory.RemovePassengersAsync(fullId, [3, 4], "test", null, CancellationToken.None)).Result);
        await page.GotoAsync(entryUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Seats are held for you" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-waitlist-3-held");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and book 2 seats" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/bookings/manage/"));
        await Expect(page.Locator("#booking-status")).ToHaveTextAsync("Confirmed");
        await Expect(page.Locator("#booking-seats")).ToHaveTextAsync("2 seats");
        await browser.ScreenshotAsync(page, $"{name}-waitlist-4-booked");

        Assert.Equal(new SeatState(4, 0, 4, 2), await browser.Site.Data.SeatStateAsync(departure.DepartureId));
        await using var connection = await browser.Site.Db.OpenConnectionAsync();
        Assert.Equal("booked", await connection.ExecuteScalarAsync<string>(
            "select status from waitlist_entries where lower(email) = @email", new { email }));
        Assert.Empty(await browser.Site.Data.InvariantViolationsAsync());
    }

    [Theory(Timeout = 180_000)]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 800)]
    public async Task On_a_weather_morning_the_customer_opens_the_choice_link_and_takes_the_offered_departure(string name, int width, int height)
    {
        var storm = await browser.Site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddDays(1));
        var offered = await browser.Site.Data.AddDepartureAsync(storm, DateTime.UtcNow.AddDays(2));
        var booked = await Inventory.BookAsync(new BookingCommand(new ValidBooking(storm.DepartureId, 2,
            new CustomerDetails("Gale Guest", $"gale-{Guid.NewGuid():N}@example.com", "+14155550125")), BookingChannel.Web, null), CancellationToken.None);
        var bookingId = Assert.IsType<BookingOutcome.Confirmed>(booked).Booking.BookingId;
        Assert.Equal(WeatherPlanResult.Done, (await Inventory.StartWeatherChoiceAsync(new WeatherPlanRequest(storm.DepartureId, "Gale warning",
            [offered.DepartureId], DateTime.UtcNow.AddHours(3), WeatherDefault.Cancel, "admin@jkboats.example"), CancellationToken.None)).Result);
        await using var tab = await browser.OpenAsync(width, height);
        var page = tab.Page;

        // The confirmation page is no ticket now and leads to the choice.
        await page.GotoAsync(await ConfirmationPages.PathAsync(browser.Site.App.Services, bookingId));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This departure is cancelled" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("QR code") })).ToHaveCountAsync(0);
        await browser.ScreenshotAsync(page, $"{name}-weather-1-confirmation");
        await page.GetByRole(AriaRole.Link, new() { Name = "Choose what happens to my booking" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This departure is cancelled: please choose" })).ToBeVisibleAsync();
        await Expect(page.Locator("#weather-reason")).ToHaveTextAsync("Gale warning");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{name}-weather-2-choice");
        await page.Locator($"input[name=choice][value='{offered.DepartureId}']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my choice" }).ClickAsync();
        await Expect(page.Locator("#manage-notice")).ToContainTextAsync("Your booking is moved to");
        await Expect(page.Locator("#booking-status")).ToHaveTextAsync("Confirmed");
        await browser.ScreenshotAsync(page, $"{name}-weather-3-moved");
        Assert.Equal(new SeatState(8, 6, 2, 1), await browser.Site.Data.SeatStateAsync(offered.DepartureId));
    }
}
