using System.Net;
using AngleSharp.Html.Parser;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>Admins give the destinations, fares and operator texts per language on one page: what they save shows there again and
/// at once on the customer site in that language; bad input is explained on its field and changes nothing; staff pages keep the
/// default names whatever the browser's language; an agent cannot reach the page.</summary>
public sealed class TranslationsAdminTests : IAsyncLifetime
{
    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;
    private TestDeparture _departure = null!;

    private const string Page = "/staff/admin/translations";
    private const string Form = "#translations-form";

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_translations");
        _db = NpgsqlDataSource.Create(connectionString);
        _departure = await new TestData(_db).CreateDepartureAsync(destination: $"Gull Point {Guid.NewGuid().ToString("N")[..6]}",
            departureTime: DateTime.UtcNow.Date.AddDays(4).AddHours(11), fares: TestData.FamilyFares);
        _app = new JkBoatsApp(connectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>The form's field names for this test's destination and a fare, as the page numbers them.</summary>
    private static (string Name, string Description) DestinationFields(AngleSharp.Dom.IDocument page, string destination)
    {
        var fieldset = page.QuerySelectorAll("fieldset[data-destination]").Single(f => f.GetAttribute("data-destination") == destination);
        return (fieldset.QuerySelector("input[name$='.Name']")?.GetAttribute("name") ?? "", fieldset.QuerySelector("textarea")!.GetAttribute("name")!);
    }

    private static (string Name, string Description) FareFields(AngleSharp.Dom.IDocument page, string code)
    {
        var fieldset = page.QuerySelector($"fieldset[data-fare='{code}']")!;
        return (fieldset.QuerySelector("input[name$='.Name']")!.GetAttribute("name")!, fieldset.QuerySelector("input[name$='.Description']")!.GetAttribute("name")!);
    }

    private async Task<long> TextRowsAsync()
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            select (select count(*) from destination_texts) + (select count(*) from destination_details)
                 + (select count(*) from fare_type_texts) + (select count(*) from operator_texts)
            """);
    }

    [Fact]
    public async Task Saved_texts_show_on_the_page_again_and_at_once_to_a_visitor_in_that_language_and_staff_pages_keep_the_default_names()
    {
        var admin = await StaffSession.SignInAsync(_app, _db, StaffRoles.Admin);
        var nav = await admin.GetDocumentAsync("/staff/admin/operator");
        Assert.NotNull(nav.QuerySelector($"nav a[href='{Page}']"));

        var greekPage = await admin.GetDocumentAsync($"{Page}?language=el");
        var destination = DestinationFields(greekPage, _departure.Destination);
        var adult = FareFields(greekPage, "adult");
        var greekName = $"Ακρωτήρι των Γλάρων {_departure.Destination[^6..]}";
        var saved = await admin.SubmitAsync(greekPage.QuerySelector(Form) as AngleSharp.Html.Dom.IHtmlFormElement ?? throw new InvalidOperationException(), new()
        {
            [destination.Name] = greekName, [destination.Description] = "Βράχια γεμάτα γλάρους\nκαι μια μικρή αμμουδιά.",
            [adult.Name] = "Ενήλικας", [adult.Description] = "13 ετών και άνω",
            ["OpeningHours"] = "Καθημερινά 9:00–17:00",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var again = await admin.GetDocumentAsync($"{Page}?language=el");
        Assert.Equal(greekName, again.QuerySelector($"input[name='{destination.Name}']")!.GetAttribute("value"));
        Assert.Equal("Βράχια γεμάτα γλάρους και μια μικρή αμμουδιά.", again.QuerySelector($"textarea[name='{destination.Description}']")!.TextContent.Trim());
        Assert.Equal("Ενήλικας", again.QuerySelector($"input[name='{adult.Name}']")!.GetAttribute("value"));
        Assert.Equal("Καθημερινά 9:00–17:00", again.QuerySelector("#OpeningHours")!.TextContent.Trim());
        Assert.Equal("page", again.QuerySelector("[data-language='el']")!.GetAttribute("aria-current"));

        // The default language: only the description, which every language without its own then shows.
        var englishPage = await admin.GetDocumentAsync($"{Page}?language=en");
        Assert.Empty(englishPage.QuerySelectorAll("fieldset[data-fare]"));
        var english = DestinationFields(englishPage, _departure.Destination);
        Assert.Equal("", english.Name);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync((AngleSharp.Html.Dom.IHtmlFormElement)englishPage.QuerySelector(Form)!,
            new() { [english.Description] = "Cliffs full of gulls and a small sandy beach." })).StatusCode);

        using (var greek = new SiteSession(_app.BaseAddress))
        {
            await greek.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/language/el"));
            var page = await greek.GetAsync($"/departures/{_departure.DepartureId}");
            Assert.Equal((greekName, "Βράχια γεμάτα γλάρους και μια μικρή αμμουδιά."), (page.Text("h1"), page.Text("[data-destination-description]")));
            Assert.Contains("Καθημερινά 9:00–17:00", page.Text("#footer-contact"));
            Assert.Equal("Ενήλικας", (await greek.GetAsync($"/departures/{_departure.DepartureId}/book")).Text("label[for='fare-adult']"));
        }
        using (var french = new SiteSession(_app.BaseAddress))
        {
            await french.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/language/fr"));
            var page = await french.GetAsync($"/departures/{_departure.DepartureId}");
            Assert.Equal((_departure.Destination, "Cliffs full of gulls and a small sandy beach."), (page.Text("h1"), page.Text("[data-destination-description]")));
        }

        // Staff pages are English and show the default names, even for a Greek browser.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staff/admin/fares");
        request.Headers.TryAddWithoutValidation("Accept-Language", "el-GR,el;q=0.9");
        using var fares = await admin.Http.SendAsync(request);
        var faresPage = await new HtmlParser().ParseDocumentAsync(await fares.Content.ReadAsStringAsync());
        Assert.Equal("Adult", faresPage.QuerySelector("[data-fare='adult'] input[name='name']")!.GetAttribute("value"));
        Assert.Equal(_departure.Destination, faresPage.QuerySelectorAll("[data-destination] h3").Select(h => h.TextContent.Trim()).Single(n => n == _departure.Destination));
        var departures = await admin.GetDocumentAsync($"/staff/admin/departures?date={_departure.DepartureTime:yyyy-MM-dd}");
        Assert.Contains(_departure.Destination, departures.Body!.TextContent);
        Assert.DoesNotContain(greekName, departures.Body!.TextContent);
    }

    [Fact]
    public async Task Bad_texts_are_explained_on_their_fields_and_change_nothing_and_an_agent_cannot_reach_the_page()
    {
        var agent = await StaffSession.SignInAsync(_app, _db, StaffRoles.Agent);
        Assert.NotEqual(HttpStatusCode.OK, (await agent.Http.GetAsync($"{Page}?language=el")).StatusCode);

        var admin = await StaffSession.SignInAsync(_app, _db, StaffRoles.Admin);
        var before = await TextRowsAsync();
        var page = await admin.GetDocumentAsync($"{Page}?language=fr");
        var destination = DestinationFields(page, _departure.Destination);
        var child = FareFields(page, "child");
        var refused = await admin.SubmitAsync((AngleSharp.Html.Dom.IHtmlFormElement)page.QuerySelector(Form)!, new()
        {
            [destination.Name] = new string('x', 201), [destination.Description] = "Des falaises",
            [child.Name] = "En\u202efant", [child.Description] = "De 4 à 12 ans",
            ["CancellationPolicy"] = new string('p', 1001), ["PierAddress"] = "Quai 3",
        }, pastBrowserChecks: true);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var shown = await StaffSession.ParseAsync(refused);
        foreach (var field in new[] { destination.Name, child.Name, "CancellationPolicy" })
        {
            var id = shown.QuerySelector($"[name='{field}']")!.Id!;
            Assert.False(string.IsNullOrWhiteSpace(shown.QuerySelector($"#{id}-error")?.TextContent), $"no message for {field}");
            Assert.Equal("true", shown.QuerySelector($"#{id}")!.GetAttribute("aria-invalid"));
        }
        Assert.Contains("200 characters", shown.QuerySelector("#error-summary")!.TextContent);
        Assert.Equal("Quai 3", shown.QuerySelector("#PierAddress")!.TextContent.Trim()); // what was typed stays in the form
        Assert.Equal(before, await TextRowsAsync());

        // A form that names a language the site does not have, or a destination that is not on the schedule, saves nothing either.
        var tampered = await admin.Http.PostAsync(Page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["language"] = "xx", ["PierAddress"] = "Somewhere",
            ["__RequestVerificationToken"] = page.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!,
        }));
        Assert.Equal(HttpStatusCode.OK, tampered.StatusCode);
        Assert.Contains("Choose one of the site's languages.", (await StaffSession.ParseAsync(tampered)).QuerySelector("#error-summary")!.TextContent);
        var unknown = await admin.SubmitAsync((AngleSharp.Html.Dom.IHtmlFormElement)page.QuerySelector(Form)!, new()
        {
            [destination.Name.Replace(".Name", ".Destination", StringComparison.Ordinal)] = "Nowhere Island", [destination.Name] = "Île de Nulle Part",
        });
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("no longer on the schedule", (await StaffSession.ParseAsync(unknown)).QuerySelector("#error-summary")!.TextContent);
        Assert.Equal(before, await TextRowsAsync());

        // Without the antiforgery token nothing is saved.
        var forged = await admin.Http.PostAsync(Page, new FormUrlEncodedContent(new Dictionary<string, string> { ["language"] = "fr", ["PierAddress"] = "Quai 9" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(before, await TextRowsAsync());
    }
}
