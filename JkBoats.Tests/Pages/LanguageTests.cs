using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Pages;

/// <summary>The customer site's language: the switcher's cookie, else Accept-Language, else English; the same URLs in every language,
/// <c>&lt;html lang&gt;</c> following it, cached listings kept apart per language, and every text of the layout translated.</summary>
[Collection(SiteCollection.Name)]
public sealed class LanguageTests(AppFixture site)
{
    private HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        {
            BaseAddress = site.App.BaseAddress,
        };

    private static async Task<(string Lang, string Header)> PageAsync(HttpClient http, string path, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        return (page.DocumentElement.GetAttribute("lang")!, page.QuerySelector("header nav")!.TextContent.Trim());
    }

    [Theory]
    [InlineData(null, "en", "Find a trip")]
    [InlineData("el-GR,el;q=0.9,en;q=0.5", "el", "Βρείτε ταξίδι")]
    [InlineData("fr-CH, fr;q=0.9", "fr", "Trouver une sortie")]
    [InlineData("de-DE,de;q=0.9", "en", "Find a trip")]
    public async Task The_browsers_language_is_used_when_the_site_has_it_else_english(string? acceptLanguage, string lang, string findATrip)
    {
        var (pageLang, header) = await PageAsync(Client(), "/bookings/find", acceptLanguage);
        Assert.Equal(lang, pageLang);
        Assert.StartsWith(findATrip, header);
    }

    [Fact]
    public async Task The_switcher_keeps_the_choice_in_a_cookie_that_wins_over_the_browser_and_comes_back_to_the_same_page()
    {
        var cookies = new CookieContainer();
        var http = Client(cookies);
        var (_, english) = await PageAsync(http, "/bookings/find", "el");
        Assert.StartsWith("Βρείτε ταξίδι", english);

        using var chosen = await http.GetAsync("/language/fr?return=" + Uri.EscapeDataString("/bookings/find?x=1"));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/bookings/find?x=1", chosen.Headers.Location!.OriginalString);
        var (lang, header) = await PageAsync(http, "/bookings/find", "el");
        Assert.Equal(("fr", true), (lang, header.StartsWith("Trouver une sortie", StringComparison.Ordinal)));

        // The switcher on the page links every language back to this page, and marks the current one.
        using var response = await http.GetAsync("/bookings/find");
        var page = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        var links = page.QuerySelectorAll("#language-switcher a").Select(a => (a.GetAttribute("lang"), a.GetAttribute("href"), a.HasAttribute("aria-current"))).ToList();
        Assert.Equal([("en", "/language/en?return=%2Fbookings%2Ffind", false), ("el", "/language/el?return=%2Fbookings%2Ffind", false), ("fr", "/language/fr?return=%2Fbookings%2Ffind", true)], links);
    }

    [Theory]
    [InlineData("/language/xx?return=/bookings/find", "/bookings/find")]
    [InlineData("/language/el?return=https://evil.example/", "/")]
    [InlineData("/language/el?return=//evil.example/", "/")]
    [InlineData("/language/el?return=/%5Cevil.example", "/")]
    [InlineData("/language/el", "/")]
    public async Task An_unknown_language_changes_nothing_and_only_a_local_path_is_gone_back_to(string path, string location)
    {
        var cookies = new CookieContainer();
        using var response = await Client(cookies).GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
        Assert.Equal(path.StartsWith("/language/xx", StringComparison.Ordinal) ? 0 : 1, cookies.GetAllCookies().Count);
    }

    [Fact]
    public async Task The_cached_listing_is_kept_apart_per_language()
    {
        var http = Client();
        var (greek, greekHeader) = await PageAsync(http, "/", "el");
        var (english, englishHeader) = await PageAsync(http, "/", "en");
        var (greekAgain, _) = await PageAsync(http, "/", "el");
        Assert.Equal(("el", "en", "el"), (greek, english, greekAgain));
        Assert.NotEqual(greekHeader, englishHeader);
    }

    [Theory]
    [InlineData(null, "en")]
    [InlineData("el", "el")]
    [InlineData("fr", "fr")]
    public async Task A_booking_keeps_the_language_it_was_made_in(string? chosen, string stored)
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 10, departureTime: DateTime.UtcNow.Date.AddDays(12).AddHours(10));
        using var visitor = site.NewSession();
        if (chosen is not null)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"/language/{chosen}"))).StatusCode);
        }
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = "Lena Lang", ["email"] = $"lena-{Guid.NewGuid():N}@example.com", ["phone"] = "(415) 555-0132",
        });
        var confirmed = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        Assert.Equal(HttpStatusCode.SeeOther, confirmed.Status);

        await using var connection = await site.Db.OpenConnectionAsync();
        Assert.Equal(stored, await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection,
            "select language from bookings where departure_id = @DepartureId", new { departure.DepartureId }));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(503)]
    [InlineData(400)]
    [InlineData(500)]
    public async Task The_error_pages_are_in_the_visitors_language(int code)
    {
        async Task<(string Lang, string Title, string Message, string Buttons)> ErrorAsync(string language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/Error/{code}");
            request.Headers.TryAddWithoutValidation("Accept-Language", language);
            using var response = await Client().SendAsync(request);
            var page = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
            return (page.DocumentElement.GetAttribute("lang")!, page.QuerySelector("h1")!.TextContent.Trim(),
                page.QuerySelector("h1 + p")!.TextContent.Trim(), page.QuerySelector("section .flex")!.TextContent.Trim());
        }
        var english = await ErrorAsync("en");
        foreach (var language in new[] { "el", "fr" })
        {
            var translated = await ErrorAsync(language);
            Assert.Equal(language, translated.Lang);
            Assert.NotEqual(english.Title, translated.Title);
            Assert.NotEqual(english.Message, translated.Message);
            Assert.NotEqual(english.Buttons, translated.Buttons);
        }
    }

    [Fact]
    public async Task Every_language_has_the_same_texts_as_the_others()
    {
        var resources = Path.Combine(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../..")), "JkBoats.Web/Resources");
        var views = Directory.GetFiles(resources, "*.resx", SearchOption.AllDirectories)
            .GroupBy(f => Regex.Replace(f, "\\.[a-z]{2,3}\\.resx$", ""))
            .ToList();
        Assert.NotEmpty(views);
        foreach (var view in views)
        {
            var keys = JkBoats.Web.Infrastructure.Languages.Supported.Skip(1).ToDictionary(l => l.Code, l =>
            {
                var file = $"{view.Key}.{l.Code}.resx";
                Assert.True(File.Exists(file), $"{file} is missing");
                return XDocument.Load(file).Root!.Elements("data").Select(d => d.Attribute("name")!.Value).Order().ToList();
            });
            foreach (var (code, list) in keys)
            {
                Assert.Equal(keys.First().Value, list);
            }
        }
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Every_text_of_a_translated_view_is_in_every_language()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../.."));
        var resources = Path.Combine(root, "JkBoats.Web/Resources");
        var views = Directory.GetFiles(resources, "*.el.resx", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(resources, f)[..^".el.resx".Length]).ToList();
        Assert.Contains(Path.Combine("Pages", "Shared", "_Layout"), views);
        var missing = new List<string>();
        foreach (var view in views)
        {
            var keys = await TextsOfAsync(root, view);
            Assert.NotEmpty(keys);
            foreach (var (code, _, _) in JkBoats.Web.Infrastructure.Languages.Supported.Skip(1))
            {
                // A text that is the same in the language ("{0} minutes" in French) says so in its comment, so a text left in
                // English is still caught.
                var translated = XDocument.Load(Path.Combine(resources, $"{view}.{code}.resx")).Root!.Elements("data")
                    .ToDictionary(d => d.Attribute("name")!.Value, d => (Text: d.Element("value")!.Value, Same: d.Element("comment")?.Value == SameInThisLanguage));
                missing.AddRange(keys.Where(k => !translated.TryGetValue(k, out var t) || string.IsNullOrWhiteSpace(t.Text) || (t.Text == k && !t.Same))
                    .Select(k => $"{view}.{code}: {k}"));
            }
        }
        Assert.Empty(missing);
    }

    /// <summary>The comment of a resource entry whose text is rightly the same as the English.</summary>
    public const string SameInThisLanguage = "same in this language";

    /// <summary>The literal texts a resource file is for: <c>L["…"]</c> in its view or component (<c>.cshtml</c>, <c>.razor</c>),
    /// or for the code's shared texts (<c>Infrastructure/SiteText</c>) every <c>SiteText.T("…")</c> in the web project's code.</summary>
    private static async Task<List<string>> TextsOfAsync(string root, string view)
    {
        var web = Path.Combine(root, "JkBoats.Web");
        var sources = new[] { ".cshtml", ".razor" }.Select(ext => Path.Combine(web, view + ext)).Where(File.Exists).ToList();
        var pattern = "L\\[\"(?<key>(?:[^\"\\\\]|\\\\.)+)\"";
        if (sources.Count == 0 && view == Path.Combine("Infrastructure", "SiteText"))
        {
            sources = Directory.GetFiles(web, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).ToList();
            pattern = "SiteText\\.T\\(\"(?<key>(?:[^\"\\\\]|\\\\.)+)\"";
        }
        Assert.True(sources.Count > 0, $"No view, component or code uses the resource {view}");
        var keys = new List<string>();
        foreach (var source in sources)
        {
            keys.AddRange(Regex.Matches(await File.ReadAllTextAsync(source), pattern).Select(m => m.Groups["key"].Value.Replace("\\\"", "\"", StringComparison.Ordinal)));
        }
        return keys.Distinct().ToList();
    }

    [Fact]
    public async Task Find_my_booking_answers_in_greek_its_refusals_and_its_empty_result_included()
    {
        using var visitor = site.NewSession();
        await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/language/el"));
        var page = await visitor.GetAsync("/bookings/find");
        Assert.Equal("Βρείτε την κράτησή μου", page.Text("h1"));
        var refused = await visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = "nobody@" }, htmx: true);
        Assert.StartsWith("Γράψτε", refused.Text("#contact-error"));
        var none = await visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = $"none-{Guid.NewGuid():N}@example.com" }, htmx: true);
        Assert.Equal("Δεν βρέθηκαν κρατήσεις", none.Text("#no-bookings p"));
    }
}
