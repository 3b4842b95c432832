using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using JkBoats.Data.Email;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>English left behind: the same walk over every customer page and fragment (listing, departure, seats poll, booking
/// form, its refusal, review, confirmation, manage page, open-by-code and its refusal, find-my-booking and its answer, the
/// waiting list of a sold-out departure and its refusal, the 404 page) is made in English and in each other language, and any
/// visible text or label of a translated page that is also on the English page, after the data the test made (names, codes,
/// addresses) is taken out, still holding a word is English left in a Greek or French page. Resource keys missing in a
/// language are <see cref="LanguageTests"/>' part.</summary>
[Collection(SiteCollection.Name)]
public sealed class UntranslatedTextTests(AppFixture site)
{
    /// <summary>Words that are the same in the language and rightly left so.</summary>
    private static readonly Dictionary<string, HashSet<string>> SameWords = new()
    {
        ["el"] = new(StringComparer.OrdinalIgnoreCase) { "email", "JK", "Boats", "AC" },
        ["fr"] = new(StringComparer.OrdinalIgnoreCase) { "JK", "Boats", "code", "total", "passagers", "destination", "minutes", "date", "AC", "table", "places" },
    };

    private sealed record Walk(string Language, List<(string Page, string Text)> Texts);

    [Fact]
    public async Task No_customer_page_or_fragment_keeps_english_text_in_another_language()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var data = new List<string> { "JK Boats", "English", "Ελληνικά", "Français" };
        // The operator's contact details and hours are data too (their per-language texts are OperatorContentLanguageTests' part); the
        // cancellation policy this test app has is the one the app writes itself, so it must be translated.
        var desk = await site.App.Services.GetRequiredService<JkBoats.Data.Operator.OperatorRepository>().CurrentAsync();
        data.AddRange([desk.Name, desk.Email, desk.PierAddress, desk.Phone, desk.OpeningHours, "JKB-"]);
        var walks = new List<Walk>();
        foreach (var (language, _, _) in JkBoats.Web.Infrastructure.Languages.Supported)
        {
            walks.Add(await WalkAsync(language, tag, data));
        }
        var english = walks[0].Texts.Select(t => t.Text).ToHashSet(StringComparer.Ordinal);
        Assert.True(english.Count > 100, $"the English walk saw only {english.Count} texts");
        var left = new List<string>();
        foreach (var walk in walks.Skip(1))
        {
            Assert.True(walk.Texts.Count > 100, $"the {walk.Language} walk saw only {walk.Texts.Count} texts");
            foreach (var (page, text) in walk.Texts.Where(t => english.Contains(t.Text)).Distinct())
            {
                var rest = data.OrderByDescending(d => d.Length).Aggregate(text, (t, d) => t.Replace(d, " ", StringComparison.OrdinalIgnoreCase));
                var words = Regex.Matches(rest, "[A-Za-z]{3,}").Select(m => m.Value).Where(w => !SameWords.GetValueOrDefault(walk.Language, []).Contains(w)).ToList();
                if (words.Count > 0)
                {
                    left.Add($"{walk.Language} {page}: \"{text}\"");
                }
            }
        }
        Assert.True(left.Count == 0, $"{left.Count} English texts left:\n" + string.Join("\n", left));
    }

    private async Task<Walk> WalkAsync(string language, string tag, List<string> data)
    {
        var walk = new Walk(language, []);
        var destination = $"Isle {tag}{language}";
        var day = DateTime.UtcNow.Date.AddDays(9).AddHours(10);
        var departure = await site.Data.CreateDepartureAsync(capacity: 12, departureTime: day, destination: destination);
        var full = await site.Data.CreateDepartureAsync(capacity: 2, departureTime: day.AddHours(3), destination: destination);
        data.AddRange([destination, departure.BoatName, full.BoatName]);
        var name = $"Theo {tag}";
        var email = $"theo-{tag}-{language}@example.com";
        data.AddRange([name, email, JkBoats.Web.Pages.Shared.Display.MaskEmail(email), "(415) 555-0132", "+14155550132", "+1 415-555-0132"]);

        using var visitor = site.NewSession();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"/language/{language}"))).StatusCode);

        void Read(string page, SiteSession.Result result)
        {
            Assert.True(result.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.NotFound
                or HttpStatusCode.UnprocessableEntity, $"{language} {page}: {(int)result.Status}");
            walk.Texts.AddRange(Texts(result.Document).Select(t => (page, t)));
        }

        Read("listing", await visitor.GetAsync($"/?destination={Uri.EscapeDataString(destination)}&date={day:yyyy-MM-dd}"));
        Read("listing fragment", await visitor.GetAsync($"/?destination={Uri.EscapeDataString(destination)}&date={day:yyyy-MM-dd}", htmx: true));
        Read("departure", await visitor.GetAsync($"/departures/{departure.DepartureId}"));
        Read("departure seats", await visitor.GetAsync($"/departures/{departure.DepartureId}?handler=Seats", htmx: true));
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        Read("booking form", form);
        var refused = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = "", ["email"] = "not-an-address", ["phone"] = "12",
        }, htmx: true, pastBrowserChecks: true);
        Read("booking refused", refused);
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = name, ["email"] = email, ["phone"] = "(415) 555-0132",
        });
        Read("review", review);
        var confirmed = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        Assert.Equal(HttpStatusCode.SeeOther, confirmed.Status);
        var confirmation = await visitor.GetAsync(confirmed.Response.Headers.Location!.OriginalString);
        Read("confirmation", confirmation);
        var bookingId = Guid.Parse(Regex.Match(confirmed.Response.Headers.Location!.OriginalString, "/bookings/([0-9a-f-]{36})").Groups[1].Value);
        var code = await site.App.Services.GetRequiredService<JkBoats.Data.Bookings.BookingRepository>().GetAsync(bookingId, CancellationToken.None);
        data.Add(code!.ConfirmationCode);
        var manage = await site.App.Services.GetRequiredService<ManageLinks>().UrlForAsync(bookingId, CancellationToken.None);
        Read("manage", await visitor.GetAsync(manage.PathAndQuery));

        var open = await visitor.GetAsync($"/bookings/{bookingId}/open");
        Read("open", open);
        Read("open refused", await visitor.SubmitAsync(open.Form("#open-booking"), new Dictionary<string, string> { ["code"] = "nope", ["contact"] = "x" }, pastBrowserChecks: true));
        var find = await visitor.GetAsync("/bookings/find");
        Read("find", find);
        Read("find answer", await visitor.SubmitAsync(find.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = email }, htmx: true));
        Read("find nothing", await visitor.SubmitAsync(find.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = $"nobody-{tag}@example.com" }, htmx: true));

        var filled = await site.App.Services.GetRequiredService<JkBoats.Data.Inventory.SeatInventory>().BookAsync(new JkBoats.Data.Bookings.BookingCommand(
            new JkBoats.Data.Bookings.ValidBooking(full.DepartureId, 2, new JkBoats.Data.Bookings.CustomerDetails(name, email, "+14155550132")),
            JkBoats.Data.Bookings.BookingChannel.Web, null), CancellationToken.None);
        Assert.IsType<JkBoats.Data.Bookings.BookingOutcome.Confirmed>(filled);
        var join = await visitor.GetAsync($"/departures/{full.DepartureId}/waitlist");
        Read("waitlist", join);
        Read("waitlist refused", await visitor.SubmitAsync(join.Form("main form[method=post]"), new Dictionary<string, string> { ["full_name"] = "", ["email"] = "x" }, pastBrowserChecks: true));
        Read("404", await visitor.GetAsync($"/no-such-page-{tag}"));
        return walk;
    }

    /// <summary>What a person reads or hears: text nodes (not scripts or styles), labels and titles, the page title and description,
    /// each with its spaces collapsed.</summary>
    private static IEnumerable<string> Texts(IDocument page)
    {
        var texts = new List<string>();
        void Add(string? text)
        {
            var collapsed = Regex.Replace(text ?? "", "\\s+", " ").Trim();
            if (collapsed.Length > 0)
            {
                texts.Add(collapsed);
            }
        }
        foreach (var node in page.All.Where(e => e.LocalName is not ("script" or "style" or "template")).SelectMany(e => e.ChildNodes).OfType<IText>())
        {
            Add(node.Data);
        }
        foreach (var element in page.All)
        {
            foreach (var attribute in new[] { "aria-label", "title", "placeholder", "alt", "aria-description" })
            {
                Add(element.GetAttribute(attribute));
            }
            if (element.LocalName == "meta" && element.GetAttribute("name") == "description")
            {
                Add(element.GetAttribute("content"));
            }
            if (element.LocalName == "input" && element.GetAttribute("type") is "submit" or "button")
            {
                Add(element.GetAttribute("value"));
            }
        }
        return texts;
    }
}
