using JkBoats.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>A Greek-speaking visitor on a phone: the switcher turns the site Greek, Find my booking answers in Greek (its htmx result
/// too), the choice stays for the next page, and French is one tap away; axe is clean in each language.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguageJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_switches_to_greek_finds_no_booking_in_greek_and_moves_on_to_french()
    {
        var page = await browser.NewPageAsync(390, 844);
        try
        {
            await page.GotoAsync("/bookings/find");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await page.Locator("#language-switcher").GetByRole(AriaRole.Link, new() { Name = "Ελληνικά" }).ClickAsync();

            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "el");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/bookings/find$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Βρείτε την κράτησή μου" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await page.GetByLabel("Email ή αριθμός τηλεφώνου").FillAsync($"nobody-{Guid.NewGuid():N}@example.com");
            await page.GetByRole(AriaRole.Button, new() { Name = "Εύρεση κρατήσεων" }).ClickAsync();
            await Expect(page.Locator("#no-bookings")).ToContainTextAsync("Δεν βρέθηκαν κρατήσεις");
            await BrowserFixture.AssertAccessibleAsync(page);
            await browser.ScreenshotAsync(page, "phone-greek-1-find-none");

            // The choice stays: the next page is Greek too.
            await page.GetByRole(AriaRole.Link, new() { Name = "Βρείτε ταξίδι" }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "el");
            await browser.ScreenshotAsync(page, "phone-greek-2-home");

            await page.Locator("#language-switcher").GetByRole(AriaRole.Link, new() { Name = "Français" }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Mes réservations" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
        }
        finally
        {
            await BrowserFixture.CloseQuietlyAsync(page.Context);
        }
    }
}
