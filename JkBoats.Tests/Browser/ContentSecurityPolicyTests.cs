using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace JkBoats.Tests.Browser;

/// <summary>The customer journey in Chromium under the real Content-Security-Policy, listening for any violation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture browser, ITestOutputHelper output)
{
    // Runs before any page script, through the DevTools protocol, which the policy does not govern.
    private const string RecordViolations = """
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
        """;

    [Fact]
    public async Task Filtering_and_booking_in_a_browser_cause_no_policy_violation()
    {
        var departure = await browser.Site.Data.CreateDepartureAsync(capacity: 8, price: 20m, destination: $"Csp Bay {Guid.NewGuid().ToString()[..6]}");
        var page = await browser.NewPageAsync(1280, 900);
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"pageerror: {error}");
        await page.AddInitScriptAsync(RecordViolations);
        try
        {
            await page.GotoAsync($"/?date={departure.DepartureTime:yyyy-MM-dd}");
            await page.Locator("#destination").SelectOptionAsync(new SelectOptionValue { Label = departure.Destination });
            var card = page.Locator($"li[data-departure-id='{departure.DepartureId}']");
            await Expect(card).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(new Regex("destination="));

            await page.GotoAsync($"/departures/{departure.DepartureId}/book");
            await page.Locator("#fare-adult").FillAsync("2");
            await page.Locator("#full_name").FillAsync("Carla Csp");
            await page.Locator("#email").FillAsync($"csp-{Guid.NewGuid():N}@example.com");
            await page.Locator("#phone").FillAsync("+1 415 555 0142");
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue to review" }).ClickAsync();
            await page.Locator("#confirm-booking").ClickAsync();
            await Expect(page.Locator("#confirmation-code")).ToHaveTextAsync(new Regex("^JKB-"));
            await Expect(page.Locator("img[alt^='QR code']")).ToBeVisibleAsync();

            var violations = await page.EvaluateAsync<string[]>("() => window.__csp");
            var blocked = console.Where(line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || line.StartsWith("pageerror", StringComparison.Ordinal)).ToList();
            output.WriteLine($"console: {console.Count} messages; violations: {violations.Length}");
            console.ForEach(output.WriteLine);
            Assert.Empty(violations);
            Assert.Empty(blocked);

            // Negative control: the listener does see the policy at work, and an injected inline script never runs.
            await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.append(s); }");
            await page.WaitForFunctionAsync("() => window.__csp.length > 0", null, new() { Timeout = 5000 });
            Assert.False(await page.EvaluateAsync<bool>("() => window.__ran === true"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
