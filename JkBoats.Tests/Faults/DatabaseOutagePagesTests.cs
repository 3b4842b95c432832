using System.Net;
using JkBoats.Data.Staff;
using JkBoats.Migrations;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Npgsql;

namespace JkBoats.Tests.Faults;

/// <summary>While PostgreSQL (a private cluster) is down, every page answers 503 with Retry-After, signed in or not, in Development
/// and Production alike: the session check that cannot reach the database is the service being busy, neither a 500 nor a
/// sign-out (the same cookie works again once the database is back).</summary>
public sealed class DatabaseOutagePagesTests
{
    [Fact]
    public async Task Signed_in_staff_and_customers_get_503_with_Retry_After_from_every_page_while_the_database_is_down()
    {
        await using var server = await PostgresServer.StartLocalClusterAsync();
        var connectionString = await server.CreateDatabaseAsync("jkboats_outage_pages");
        DatabaseMigrator.MigrateUp(connectionString);
        TestDeparture departure;
        await using (var setup = NpgsqlDataSource.Create(connectionString))
        {
            departure = await new TestData(setup).CreateDepartureAsync(capacity: 10);
        }
        var settings = new Dictionary<string, string?> { ["Email:Worker:Enabled"] = "false" };
        await using var development = new JkBoatsApp(connectionString, new Dictionary<string, string?>(settings) { ["environment"] = "Development" });
        await using var production = new JkBoatsApp(connectionString, new Dictionary<string, string?>(settings) { ["environment"] = "Production" });
        string[] staffPages = ["/staff", "/staff/board", "/staff/bookings?q=JKB", $"/staff/departures/{departure.DepartureId}", "/staff/admin/team"];
        string[] customerPages = [$"/departures/{departure.DepartureId}", "/bookings/find", "/bench/static"];
        var sessions = new List<(string Environment, StaffSession Staff, HttpClient Customer)>();
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            foreach (var (environment, app) in new[] { ("Development", development), ("Production", production) })
            {
                var staff = await StaffSession.SignInAsync(app, await StaffSession.CreateStaffAsync(db, StaffRoles.Agent));
                Assert.Equal(HttpStatusCode.OK, (await staff.Http.GetAsync("/staff")).StatusCode);
                sessions.Add((environment, staff, StaffSession.NewClient(app)));
            }
        }

        await server.StopAsync();
        var (expected, answers) = (new List<string>(), new List<string>());
        foreach (var (environment, staff, customer) in sessions)
        {
            foreach (var page in staffPages.Concat(customerPages))
            {
                expected.Add($"{environment} staff GET {page}: 503 Retry-After, {(page.StartsWith("/staff", StringComparison.Ordinal) ? "staff" : "site")} error page");
                answers.Add(await AnswerAsync(environment, "staff", staff.Http, page));
            }
            expected.Add($"{environment} customer GET /departures/{departure.DepartureId}: 503 Retry-After, site error page");
            answers.Add(await AnswerAsync(environment, "customer", customer, $"/departures/{departure.DepartureId}"));
        }
        await server.StartAgainAsync();

        Assert.Equal(expected, answers);
        foreach (var (environment, staff, _) in sessions)
        {
            await Eventually.HoldsAsync(async () => (await staff.Http.GetAsync("/staff")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(20), $"the {environment} staff cookie to work again after the outage", every: TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task<string> AnswerAsync(string environment, string who, HttpClient http, string page)
    {
        var response = await http.GetAsync(page);
        var document = await HtmlForms.ParseAsync(response);
        var errorPage = document.QuerySelector("#staff-error") is not null ? "staff error page"
            : document.QuerySelector("#error-heading") is not null ? "site error page" : "no error page";
        return $"{environment} {who} GET {page}: {(int)response.StatusCode}{(response.Headers.RetryAfter is null ? "" : " Retry-After")}, {errorPage}";
    }
}
