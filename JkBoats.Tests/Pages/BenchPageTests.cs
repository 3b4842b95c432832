using System.Net;
using AngleSharp.Html.Dom;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Pages;

/// <summary>The benchmark's ceiling page is the listing's own partial around fixed departures, rendered without a database.</summary>
[Collection(SiteCollection.Name)]
public sealed class BenchPageTests(AppFixture site)
{
    [Fact]
    public async Task The_bench_page_renders_the_listing_partial_with_eight_fixed_departures_while_its_database_does_not_exist()
    {
        var server = await SharedPostgres.GetAsync();
        var missing = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = $"jkboats_missing_{Guid.NewGuid():N}" }.ConnectionString;
        await using var app = new JkBoatsApp(missing, new Dictionary<string, string?>
        {
            ["JkBoats:Bench:Enabled"] = "true", ["JkBoats:MigrateOnStartup"] = "false", ["JkBoats:Watchdog:Enabled"] = "false", ["Email:Worker:Enabled"] = "false",
        });
        using var visitor = new SiteSession(app.BaseAddress);

        var page = await visitor.GetAsync("/bench/static");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(8, page.All("#departure-list li[data-departure-id]").Count);
        Assert.All(page.All("#departure-list [data-destination]"), d => Assert.Equal("Hydra", d.TextContent.Trim()));
        Assert.Equal("Hydra", ((IHtmlSelectElement)page.Get("#search-form select[name=destination]")).Value);
        Assert.Equal(8, page.All("#departure-list [data-seats]").Count);
        Assert.Equal(8, page.All("#departure-list a.btn-primary[href^='/departures/']").Count);
    }

    [Fact]
    public async Task Without_the_bench_setting_the_bench_page_is_not_found()
    {
        using var visitor = site.NewSession();

        var page = await visitor.GetAsync("/bench/static");

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
    }
}
