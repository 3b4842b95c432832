using System.Globalization;
using System.Text.RegularExpressions;
using JkBoats.Web.Pages.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>A Greek-speaking customer on a phone books a trip from the home page: the listing, the departure, the booking form
/// (refused once: seats taken meanwhile and a bad phone) and the review are Greek, with Greek days and money, until the
/// confirmation; axe is clean at each step.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguageBookingJourneyTests(BrowserFixture browser)
{
    private const int TestTimeout = 180_000;

    private static readonly CultureInfo Greek = CultureInfo.GetCultureInfo("el-GR");

    [Theory(Timeout = TestTimeout)]
    [InlineData(390, 844, "phone")]
    [InlineData(1280, 800, "desktop")]
    public async Task A_greek_speaking_customer_books_a_trip_in_greek_on_a_phone_and_a_laptop(int width, int height, string device)
    {
        var day = DateTime.UtcNow.Date.AddDays(40 + Random.Shared.Next(0, 100)).AddHours(10);
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 6, price: 25m, departureTime: day,
            destination: $"Νησί {Guid.NewGuid().ToString()[..6]}");
        await using var tab = await browser.OpenAsync(width, height);
        var page = tab.Page;

        await page.GotoAsync("/");
        await page.Locator("#language-switcher").GetByRole(AriaRole.Link, new() { Name = "Ελληνικά" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "el");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Βρείτε ένα ταξίδι με σκάφος" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-1-home");

        await page.GetByLabel("Προορισμός").SelectOptionAsync(departure.Destination);
        await Expect(page).ToHaveURLAsync(new Regex("destination="));
        await BrowserFixture.SettledAsync(page);
        await page.GetByLabel("Ημερομηνία", new() { Exact = true }).FillAsync(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Expect(page).ToHaveURLAsync(new Regex($"date={day:yyyy-MM-dd}"));
        var card = page.Locator($"li[data-departure-id='{departure.DepartureId}']");
        await Expect(page.Locator("#results-heading")).ToHaveTextAsync(day.ToString(Display.DayFormat, Greek));
        await Expect(page.Locator("#departure-list [role=status]")).ToHaveTextAsync($"1 αναχώρηση για {departure.Destination}");
        await Expect(card.Locator("[data-price]")).ToHaveTextAsync(Money(25m));
        await Expect(card.Locator("[data-seats]")).ToHaveTextAsync("6 θέσεις ελεύθερες");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-2-search");

        await card.GetByRole(AriaRole.Link, new() { Name = "Επιλογή αυτής της αναχώρησης" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = departure.Destination, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("article time")).ToHaveTextAsync(day.ToString(Display.DayFormat, Greek) + ", 10:00");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-3-departure");

        await page.GetByRole(AriaRole.Link, new() { Name = "Κράτηση θέσεων" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Τα στοιχεία σας" })).ToBeVisibleAsync();
        await page.Locator("#fare-adult").FillAsync("4");
        await page.GetByLabel("Το ονοματεπώνυμό σας").FillAsync("Ελένη Παπαδοπούλου");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync($"eleni-{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Κινητό τηλέφωνο").FillAsync("000 000");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-4-details");

        // Someone else takes three of the six seats meanwhile; the phone is no number either: both are said at once, in Greek.
        await browser.Site.TakeSeatsAsync(departure.DepartureId, 3);
        await page.GetByRole(AriaRole.Button, new() { Name = "Συνέχεια στον έλεγχο" }).Last.ClickAsync();
        await Expect(page.Locator("#error-summary")).ToContainTextAsync("Διορθώστε τα εξής 2:");
        await Expect(page.Locator("#fares-error")).ToHaveTextAsync("Έμειναν μόνο 3 θέσεις.");
        await Expect(page.Locator("#phone-error")).ToHaveTextAsync(new Regex("^Γράψτε έναν έγκυρο αριθμό τηλεφώνου"));
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-5-refused");

        await page.Locator("#fare-adult").FillAsync("2");
        await page.GetByLabel("Κινητό τηλέφωνο").FillAsync("+1 415 555 0132");
        await page.GetByRole(AriaRole.Button, new() { Name = "Συνέχεια στον έλεγχο" }).Last.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Έλεγχος και επιβεβαίωση" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-review=seats]")).ToHaveTextAsync("2 θέσεις");
        await Expect(page.Locator("[data-review=total]")).ToHaveTextAsync(Money(50m));
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-6-review");

        await page.GetByRole(AriaRole.Button, new() { Name = "Επιβεβαίωση κράτησης" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/bookings/[0-9a-f-]{36}\\?key=[A-Za-z0-9_-]{43}$"));
        await Expect(page.Locator("#confirmation-code")).ToHaveTextAsync(new Regex("^JKB-[A-Z2-9]{6}$"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "el");
        await browser.ScreenshotAsync(page, $"{device}-greek-booking-7-confirmation");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_french_speaking_customer_books_a_trip_in_french_on_a_laptop()
    {
        var day = DateTime.UtcNow.Date.AddDays(40 + Random.Shared.Next(0, 100)).AddHours(11);
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 6, price: 25m, departureTime: day,
            destination: $"Île {Guid.NewGuid().ToString()[..6]}");
        await using var tab = await browser.OpenAsync(1280, 800);
        var page = tab.Page;

        await page.GotoAsync($"/departures/{departure.DepartureId}");
        await page.Locator("#language-switcher").GetByRole(AriaRole.Link, new() { Name = "Français" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Expect(page.Locator("article time")).ToHaveTextAsync(day.ToString(Display.DayFormat, CultureInfo.GetCultureInfo("fr-FR")) + ", 11:00");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-french-booking-1-departure");

        await page.Locator("#book-seats").ClickAsync();
        await page.Locator("#fare-adult").FillAsync("2");
        await page.Locator("#full_name").FillAsync("Camille Martin");
        await page.Locator("#email").FillAsync($"camille-{Guid.NewGuid():N}@example.com");
        await page.Locator("#phone").FillAsync("+1 415 555 0132");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-french-booking-2-details");

        await page.Locator("#booking-step form button[type=submit]").Last.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vérifier et confirmer" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-review=seats]")).ToHaveTextAsync("2 places");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-french-booking-3-review");

        await page.Locator("form[action$='handler=Confirm'] button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/bookings/[0-9a-f-]{36}\\?key="));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await BrowserFixture.AssertAccessibleAsync(page);
        await browser.ScreenshotAsync(page, "desktop-french-booking-4-confirmation");
    }

    /// <summary>Money as a Greek page writes it, in the test app's currency (USD): "25,00 $".</summary>
    private static string Money(decimal amount) => amount.ToString("C", LocaleFormat.Money(Greek, "USD"));
}
