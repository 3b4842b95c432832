using System.Net;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Npgsql;

namespace JkBoats.Tests.Operations;

public sealed class MetricsAccessTests : IAsyncLifetime
{
    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_metrics");
        _db = NpgsqlDataSource.Create(connectionString);
        // Loopback is not an allowed network here, so the test client stands for an anonymous internet client.
        _app = new JkBoatsApp(connectionString, new Dictionary<string, string?>
        {
            ["JkBoats:Metrics:AllowedNetworks:0"] = "192.0.2.0/24",
            ["JkBoats:Metrics:AllowedNetworks:1"] = "2001:db8::/32",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_are_not_found_for_an_anonymous_client_outside_the_allowed_networks()
    {
        var http = _app.CreateHttpClient();

        foreach (var path in new[] { "/metrics", "/METRICS", "/metrics?x=1" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("jkboats_", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Signed_in_staff_may_read_metrics_from_anywhere()
    {
        var agent = await StaffSession.SignInAsync(_app, _db, StaffRoles.Agent);

        var scrape = await MetricsScrape.ReadAsync(agent.Http);

        Assert.True(scrape.Has("jkboats_booking_requests_total", ("outcome", "confirmed"), ("channel", "web")));
    }

    [Fact]
    public async Task A_forged_or_expired_staff_cookie_gets_nothing()
    {
        var http = _app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("Cookie", "jkb-staff=CfDJ8forged");

        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(request)).StatusCode);
    }
}

[Collection(AppCollection.Name)]
public sealed class MetricsLoopbackTests(AppFixture fixture)
{
    [Fact]
    public async Task By_default_the_local_machine_may_scrape_without_signing_in()
    {
        var scrape = await MetricsScrape.ReadAsync(fixture.CreateClient());

        Assert.True(scrape.Has("jkboats_invariant_violations"));
        Assert.True(scrape.Has("jkboats_transaction_retries_total") || scrape.Text.Contains("# TYPE jkboats_transaction_retries_total counter"));
    }
}
