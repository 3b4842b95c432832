using System.Text.RegularExpressions;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>A Greek-speaking customer on a phone opens the manage link of a family booking, takes the child off and then cancels, and
/// reads every step and answer in Greek; axe is clean at each step.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguageManageJourneyTests(BrowserFixture browser)
{
    [Fact(Timeout = 180_000)]
    public async Task A_greek_customer_takes_a_passenger_off_and_cancels_through_the_manage_link_in_greek()
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 8, price: 25m, fares: TestData.FamilyFares, maxPersons: 10,
            departureTime: DateTime.UtcNow.AddDays(3));
        var inventory = browser.Site.App.Services.GetRequiredService<SeatInventory>();
        var booked = await inventory.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 3,
            new CustomerDetails("Eleni Papadopoulou", $"eleni-{Guid.NewGuid():N}@example.com", "+302105550123"),
            [new("adult", "Eleni Papadopoulou", null, null, null), new("adult", "Nikos Papadopoulos", null, null, null), new("child", "Maria Papadopoulou", 2017, null, null)]),
            BookingChannel.Web, null), CancellationToken.None);
        var bookingId = Assert.IsType<BookingOutcome.Confirmed>(booked).Booking.BookingId;
        var manage = await browser.Site.App.Services.GetRequiredService<ManageLinks>().UrlForAsync(bookingId, CancellationToken.None);
        await using var tab = await browser.OpenAsync(390, 844);
        var page = tab.Page;

        // The switcher's own address, as the footer links it, chooses Greek and comes back to the manage page.
        await page.GotoAsync("/language/el?return=" + Uri.EscapeDataString(manage.PathAndQuery));
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(manage.AbsolutePath) + "$"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "el");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Η κράτησή σας", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#booking-status")).ToHaveTextAsync("Επιβεβαιώθηκε");
        await Expect(page.Locator("#booking-seats")).ToHaveTextAsync("3 θέσεις");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "phone-greek-manage-1-booking");

        await page.GetByText("Αφαίρεση επιβατών από την κράτηση").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Αφαίρεση των επιλεγμένων επιβατών" }).ClickAsync();
        await Expect(page.Locator("#manage-problem")).ToHaveTextAsync("Επιλέξτε τους επιβάτες που δεν θα ταξιδέψουν.");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.GetByLabel(new Regex("Maria Papadopoulou")).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Αφαίρεση των επιλεγμένων επιβατών" }).ClickAsync();
        await Expect(page.Locator("#manage-notice")).ToContainTextAsync("1 επιβάτης αφαιρέθηκε από την κράτηση");
        await Expect(page.Locator("#booking-seats")).ToHaveTextAsync("2 θέσεις");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "phone-greek-manage-2-child-off");

        await page.GetByText("Ακύρωση κράτησης…").ClickAsync();
        await Expect(page.Locator("#cancel-booking form")).ToContainTextAsync("Αυτό δεν αναιρείται.");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "phone-greek-manage-3-cancel-asked");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ναι, ακύρωση της κράτησής μου" }).ClickAsync();
        await Expect(page.Locator("#manage-notice")).ToHaveTextAsync(
            "Η κράτησή σας ακυρώθηκε και οι θέσεις της ελευθερώθηκαν. Σας στέλνουμε email επιβεβαίωσης.");
        await Expect(page.Locator("#booking-status")).ToHaveTextAsync("Ακυρώθηκε από εσάς online");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "phone-greek-manage-4-cancelled");
        Assert.Equal(new SeatState(8, 8, 0, 0), await browser.Site.Data.SeatStateAsync(departure.DepartureId));
    }
}
