using System.Net;
using AngleSharp.Html.Parser;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>Admins edit the operator's details in one place, and the footer, the confirmation and the manage page show them; bad
/// values are explained field by field and save nothing; an agent cannot reach the page.</summary>
public sealed class OperatorDetailsTests : IAsyncLifetime
{
    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_operator");
        _db = NpgsqlDataSource.Create(connectionString);
        _app = new JkBoatsApp(connectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private const string Page = "/staff/admin/operator";

    [Fact]
    public async Task Bad_details_are_explained_field_by_field_and_save_nothing_and_an_agent_cannot_edit_them()
    {
        var agent = await StaffSession.SignInAsync(_app, _db, StaffRoles.Agent);
        Assert.NotEqual(HttpStatusCode.OK, (await agent.Http.GetAsync(Page)).StatusCode);

        var admin = await StaffSession.SignInAsync(_app, _db, StaffRoles.Admin);
        var refused = await admin.SubmitAsync(Page, "#operator-form", new()
        {
            ["Name"] = "JK\u202eBoats", ["Phone"] = "hello", ["Email"] = "desk", ["MapUrl"] = "http://maps.example/pier",
            ["ArriveBeforeMinutes"] = "abc", ["OpeningHours"] = "", ["CancellationPolicy"] = new string('x', 1001),
        }, pastBrowserChecks: true);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await StaffSession.ParseAsync(refused);
        foreach (var field in new[] { "Name", "Phone", "Email", "MapUrl", "ArriveBeforeMinutes", "OpeningHours", "CancellationPolicy" })
        {
            Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector($"#{field}-error")?.TextContent), $"no message for {field}");
        }
        Assert.Equal("hello", page.QuerySelector("#Phone")!.GetAttribute("value"));
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from operator_details"));
    }

    [Fact]
    public async Task Saved_details_show_in_the_footer_on_the_confirmation_and_on_the_manage_page()
    {
        var admin = await StaffSession.SignInAsync(_app, _db, StaffRoles.Admin);
        var form = await admin.GetDocumentAsync(Page);
        Assert.Equal("JK Boats", form.QuerySelector("#Name")!.GetAttribute("value")); // the configuration's until saved

        var saved = await admin.SubmitAsync(Page, "#operator-form", new()
        {
            ["Name"] = "Harbour Hops", ["Phone"] = "+1 415 555 0177", ["Email"] = "desk@hops.example", ["PierAddress"] = "Dock 9, Bay Street",
            ["MapUrl"] = "https://maps.example/dock9", ["OpeningHours"] = "Mon–Sat 8:00–18:00", ["ArriveBeforeMinutes"] = "20",
            ["CancellationPolicy"] = "Free to cancel until noon the day before.",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        using var http = _app.CreateHttpClient();
        var parser = new HtmlParser();
        var home = await parser.ParseDocumentAsync(await http.GetStringAsync("/"));
        var footer = home.QuerySelector("#footer-contact")!.TextContent;
        Assert.Contains("+1 415-555-0177", footer);
        Assert.Contains("desk@hops.example", footer);
        Assert.Contains("Mon–Sat 8:00–18:00", footer);
        Assert.Equal("https://maps.example/dock9", home.QuerySelector("#footer-contact a[href^='https:']")!.GetAttribute("href"));

        var departure = await new TestData(_db).CreateDepartureAsync(capacity: 5, departureTime: DateTime.UtcNow.AddDays(3));
        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1));
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var manage = await _app.Services.GetRequiredService<JkBoats.Data.Email.ManageLinks>().UrlForAsync(bookingId, CancellationToken.None);
        foreach (var path in new[] { await ConfirmationPages.PathAsync(_app.Services, bookingId), manage.PathAndQuery })
        {
            var page = await parser.ParseDocumentAsync(await http.GetStringAsync(path));
            var contact = page.QuerySelector("#operator-contact")!;
            Assert.Contains("Contact Harbour Hops", contact.TextContent);
            Assert.Equal("tel:+14155550177", contact.QuerySelector("[data-operator=phone]")!.GetAttribute("href"));
            Assert.Equal("Free to cancel until noon the day before.", contact.QuerySelector("[data-operator=policy]")!.TextContent.Trim());
            Assert.Contains("at the pier 20 minutes before departure (Dock 9, Bay Street)", page.Body!.TextContent);
        }
    }
}
