using System.Net;
using Dapper;
using JkBoats.Data.Email;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Pages;

/// <summary>The operator's own content follows the visitor's language: destination names on the listing, the departure's name and
/// description, fare names and descriptions on the booking form, destination and fare names on the confirmation, manage and find
/// pages, and the pier, hours and policy in the footer and the contact box. A text a language does not give is the default
/// language's. Texts are global, so this class has its own database, and all of them are given before the app first reads them.</summary>
public sealed class OperatorContentLanguageTests : IAsyncLifetime
{
    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;
    private TestDeparture _translated = null!;
    private TestDeparture _untranslated = null!;

    private static readonly string Suffix = Guid.NewGuid().ToString("N")[..6];
    private static readonly string Bay = $"Lantern Bay {Suffix}";
    private static readonly string Rock = $"Seal Rock {Suffix}";
    private const string BayDescription = "A sheltered bay below the old lighthouse, with a beach bar.";
    private const string RockDescription = "A rock where seals sun themselves; no landing.";

    /// <summary>Per language: the destination's name and description, the adult and child fares, and the operator's texts.</summary>
    private static readonly Dictionary<string, (string Name, string Description, string Adult, string AdultText, string Child, string Hours, string Pier, string Policy)> Given = new()
    {
        ["el"] = ($"Όρμος του Φάρου {Suffix}", "Ένας απάνεμος όρμος κάτω από τον παλιό φάρο, με μπαρ στην παραλία.", "Ενήλικας", "13 ετών και άνω", "Παιδί",
            "Καθημερινά 8:00–18:00", "Προβλήτα 3, Οδός Λιμανιού", "Δωρεάν ακύρωση έως 24 ώρες πριν από την αναχώρηση."),
        ["fr"] = ($"Baie de la Lanterne {Suffix}", "Une baie abritée sous le vieux phare, avec un bar de plage.", "Adulte", "13 ans et plus", "Enfant",
            "Tous les jours 8h00–18h00", "Quai 3, route du Port", "Annulation gratuite jusqu'à 24 heures avant le départ."),
    };

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_content_language");
        _db = NpgsqlDataSource.Create(connectionString);
        _data = new TestData(_db);
        var day = DateTime.UtcNow.Date.AddDays(5);
        _translated = await _data.CreateDepartureAsync(capacity: 20, price: 30m, departureTime: day.AddHours(10), destination: Bay, fares: TestData.FamilyFares);
        _untranslated = await _data.AddDepartureAsync(_translated, day.AddHours(14), destination: Rock);
        await using (var connection = await _db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                -- Without the built-in fares' shipped translations, so the texts below are the only ones (and senior falls back).
                delete from fare_type_texts where updated_by = 'system';
                insert into destination_details (destination, description, updated_by) values (@Bay, @BayDescription, 'test'), (@Rock, @RockDescription, 'test');
                -- Seal Rock has only an empty Greek row: it falls back to its own name and description in every language.
                insert into destination_texts (destination, language, name, description, updated_by) values (@Rock, 'el', '', null, 'test');
                """, new { Bay, BayDescription, Rock, RockDescription });
            foreach (var (language, t) in Given)
            {
                await connection.ExecuteAsync("""
                    insert into destination_texts (destination, language, name, description, updated_by) values (@Bay, @language, @Name, @Description, 'test');
                    insert into fare_type_texts (fare_type_id, language, name, description, updated_by)
                    select id, @language, case code when 'adult' then @Adult else @Child end, case code when 'adult' then @AdultText end, 'test'
                    from fare_types where code in ('adult', 'child');
                    insert into operator_texts (language, pier_address, opening_hours, cancellation_policy, updated_by)
                    values (@language, @Pier, @Hours, @Policy, 'test');
                    """, new { Bay, language, t.Name, t.Description, t.Adult, t.AdultText, t.Child, t.Pier, t.Hours, t.Policy });
            }
        }
        _app = new JkBoatsApp(connectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<SiteSession> VisitorAsync(string language)
    {
        var visitor = new SiteSession(_app.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"/language/{language}"))).StatusCode);
        return visitor;
    }

    private string ListingPath => $"/?date={_translated.DepartureTime:yyyy-MM-dd}";

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task A_visitor_sees_the_operators_texts_in_their_language_from_the_listing_to_the_manage_page(string language)
    {
        var t = Given[language];
        using var visitor = await VisitorAsync(language);

        var listing = await visitor.GetAsync(ListingPath);
        Assert.Equal(language, listing.Document.DocumentElement.GetAttribute("lang"));
        var names = listing.All("[data-destination]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Contains(t.Name, names);
        Assert.DoesNotContain(Bay, names);
        Assert.Contains(t.Name, listing.All("#destination option").Select(o => o.TextContent.Trim()));
        var footer = listing.Text("#footer-contact");
        Assert.Contains(t.Hours, footer);
        Assert.Contains(t.Pier, footer);

        var departure = await visitor.GetAsync($"/departures/{_translated.DepartureId}");
        Assert.Equal(t.Name, departure.Text("h1"));
        Assert.Equal(t.Description, departure.Text("[data-destination-description]"));
        Assert.Contains(t.Pier, departure.Text("main"));

        var form = await visitor.GetAsync($"/departures/{_translated.DepartureId}/book");
        Assert.Equal(t.Adult, form.Text("label[for='fare-adult']"));
        Assert.Equal(t.Child, form.Text("label[for='fare-child']"));
        Assert.Contains(t.AdultText, form.Get("label[for='fare-adult']").ParentElement!.TextContent);

        var email = $"content-{Guid.NewGuid():N}@example.com";
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "1", ["fares[child]"] = "1", ["full_name"] = "Lena Lang", ["email"] = email, ["phone"] = "(415) 555-0132",
        });
        var confirmed = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        Assert.Equal(HttpStatusCode.SeeOther, confirmed.Status);

        var confirmation = await visitor.GetAsync(confirmed.Response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, confirmation.Status);
        Assert.Equal(t.Name, confirmation.Text("[data-booking='destination']"));
        var fareCells = confirmation.Document.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Contains(t.Adult, fareCells);
        Assert.Contains(t.Child, fareCells);
        Assert.Equal(t.Hours, confirmation.Text("[data-operator='hours']"));
        Assert.StartsWith(t.Pier, confirmation.Text("[data-operator='pier']"));
        Assert.Equal(t.Policy, confirmation.Text("[data-operator='policy']"));

        await using var connection = await _db.OpenConnectionAsync();
        var bookingId = await connection.ExecuteScalarAsync<Guid>("select id from bookings where email = @email", new { email });
        var manageUrl = await _app.Services.GetRequiredService<ManageLinks>().UrlForAsync(bookingId, CancellationToken.None);
        var manage = await visitor.GetAsync(manageUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, manage.Status);
        Assert.Equal(t.Name, manage.Text("#booking-destination"));
        Assert.Contains(t.Child, manage.Text("main"));
        Assert.Equal(t.Policy, manage.Text("[data-operator='policy']"));

        var find = await visitor.GetAsync("/bookings/find");
        var found = await visitor.SubmitAsync(find.Form("form[method='post']"), new Dictionary<string, string> { ["contact"] = email });
        var result = found.Get("[data-code]").TextContent;
        Assert.Contains(t.Name, result);
        Assert.Contains($"{t.Adult} × 1", result);
        Assert.Contains($"{t.Child} × 1", result);
    }

    [Fact]
    public async Task A_text_a_language_does_not_give_is_the_default_languages()
    {
        // English has no texts at all; Seal Rock has an empty Greek name and no description in any language; seniors have no texts.
        using var english = new SiteSession(_app.BaseAddress);
        var listing = await english.GetAsync(ListingPath);
        Assert.Equal("en", listing.Document.DocumentElement.GetAttribute("lang"));
        Assert.Equal([Bay, Rock], listing.All("[data-destination]").Select(e => e.TextContent.Trim()).Order().ToList());
        var bay = await english.GetAsync($"/departures/{_translated.DepartureId}");
        Assert.Equal((Bay, BayDescription), (bay.Text("h1"), bay.Text("[data-destination-description]")));
        var form = await english.GetAsync($"/departures/{_translated.DepartureId}/book");
        Assert.Equal(("Adult", "Child", "Senior"), (form.Text("label[for='fare-adult']"), form.Text("label[for='fare-child']"), form.Text("label[for='fare-senior']")));
        Assert.DoesNotContain(Given["el"].Hours, listing.Text("#footer-contact"));

        foreach (var language in Given.Keys)
        {
            using var visitor = await VisitorAsync(language);
            var rock = await visitor.GetAsync($"/departures/{_untranslated.DepartureId}");
            Assert.Equal((Rock, RockDescription), (rock.Text("h1"), rock.Text("[data-destination-description]")));
            var translatedForm = await visitor.GetAsync($"/departures/{_translated.DepartureId}/book");
            Assert.Equal("Senior", translatedForm.Text("label[for='fare-senior']"));
            Assert.Contains("Ages 4 to 12", translatedForm.Get("label[for='fare-child']").ParentElement!.TextContent); // the child fare's description is not given
            Assert.Contains(Rock, (await visitor.GetAsync(ListingPath)).All("[data-destination]").Select(e => e.TextContent.Trim()));
        }
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_gives_the_default_texts_instead_of_failing_the_page()
    {
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=1");
        var content = new JkBoats.Data.Content.ContentRepository(unreachable, Microsoft.Extensions.Logging.Abstractions.NullLogger<JkBoats.Data.Content.ContentRepository>.Instance);
        var greek = await content.ForAsync("el");
        Assert.Equal((Bay, (string?)null, "Adult"), (greek.Destination(Bay), greek.DestinationDescription(Bay), greek.FareName("adult", "Adult")));
    }

    [Fact]
    public async Task A_destination_is_found_by_its_name_in_any_language_and_shown_in_the_visitors()
    {
        using var greek = await VisitorAsync("el");
        foreach (var asked in new[] { Bay, Given["el"].Name, Given["fr"].Name.ToUpperInvariant() })
        {
            var listing = await greek.GetAsync($"{ListingPath}&destination={Uri.EscapeDataString(asked)}");
            Assert.Equal([Given["el"].Name], listing.All("[data-destination]").Select(e => e.TextContent.Trim()).ToList());
            Assert.Equal(Given["el"].Name, listing.Get("#destination option[selected]").TextContent.Trim());
        }
    }
}
