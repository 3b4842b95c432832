using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using JkBoats.Migrations;
using Microsoft.Extensions.DependencyInjection;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Api;

[Collection(AppCollection.Name)]
public sealed class HealthAndDocsTests(AppFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Liveness_and_readiness_are_healthy_on_a_migrated_database()
    {
        var live = await _http.GetAsync("/health/live");
        var ready = await _http.GetAsync("/health/ready");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.StatusCode, await live.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_openapi_document_describes_every_contract_endpoint()
    {
        var json = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = json.GetProperty("paths");
        foreach (var path in new[] { "/api/boats", "/api/boats/{boat_id}/departures/{departure_id}", "/api/bookings", "/api/destinations" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
        Assert.True(paths.GetProperty("/api/bookings").TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
    }

    /// <summary>What client generators and linters read: names, security, client errors, plain numbers, the server address.</summary>
    [Fact]
    public async Task The_openapi_document_names_every_operation_states_its_security_and_client_errors_and_types_numbers_strictly()
    {
        var json = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json")).RootElement;

        var operations = json.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => Verbs.Contains(o.Name)).Select(o => (Name: $"{o.Name} {path.Name}", Operation: o.Value)))
            .ToList();
        Assert.NotEmpty(operations);
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null).ToList();
        Assert.All(operations.Zip(ids), o => Assert.False(string.IsNullOrWhiteSpace(o.Second), $"{o.First.Name} has no operationId"));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var (name, operation) in operations)
        {
            Assert.True(operation.TryGetProperty("security", out var security) && security.ValueKind == JsonValueKind.Array, $"{name} states no security");
            Assert.True(operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('4')), $"{name} declares no 4xx answer");
        }
        var servers = json.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()!).ToList();
        Assert.NotEmpty(servers);
        Assert.All(servers, url => Assert.False(url.EndsWith('/'), $"server {url} ends with a slash"));

        var numbers = NumericSchemas(json.GetProperty("components"), "#/components").ToList();
        Assert.Contains(numbers, n => n.Path.EndsWith("/seats_requested", StringComparison.Ordinal));
        Assert.Contains(numbers, n => n.Path.EndsWith("/total_price", StringComparison.Ordinal));
        Assert.All(numbers, n =>
        {
            Assert.DoesNotContain("string", n.Types);
            Assert.False(n.Schema.TryGetProperty("pattern", out _), $"{n.Path} has a string pattern");
        });
    }

    private static readonly string[] Verbs = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private static IEnumerable<(string Path, string[] Types, JsonElement Schema)> NumericSchemas(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                foreach (var found in NumericSchemas(item, $"{path}/{i++}"))
                {
                    yield return found;
                }
            }
            yield break;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        // A schema's "type" is a name or a list of names; a property called "type" is an object.
        if (element.TryGetProperty("type", out var type) && type.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            string[] types = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString() ?? ""];
            if (types.Contains("integer") || types.Contains("number"))
            {
                yield return (path, types, element);
            }
        }
        foreach (var property in element.EnumerateObject())
        {
            foreach (var found in NumericSchemas(property.Value, $"{path}/{property.Name}"))
            {
                yield return found;
            }
        }
    }

    [Fact]
    public async Task The_interactive_api_page_is_served_by_the_app_without_outside_resources()
    {
        var response = await _http.GetAsync("/api/docs/index.html");
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sources = document.Scripts.Select(s => s.Source).Concat(document.QuerySelectorAll("link[href]").Select(l => l.GetAttribute("href")))
            .Where(s => !string.IsNullOrEmpty(s)).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.False(Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http"), $"{s} is loaded from outside"));
        foreach (var source in document.Scripts.Select(s => s.Source).Where(s => !string.IsNullOrEmpty(s)))
        {
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(new Uri(_http.BaseAddress!, "/api/docs/"), source))).StatusCode);
        }
    }
}

public sealed class ReadinessWithoutMigrationsTests
{
    [Fact]
    public async Task Readiness_is_unhealthy_while_the_schema_is_missing_but_liveness_stays_healthy()
    {
        var server = await SharedPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync($"jkboats_unmigrated_{Guid.NewGuid():N}"[..40]);
        await using var app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:MigrateOnStartup"] = "false" });
        var http = app.CreateHttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Readiness_stays_healthy_when_a_later_release_has_already_migrated_the_schema()
    {
        var server = await SharedPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync($"jkboats_newer_{Guid.NewGuid():N}"[..40]);
        DatabaseMigrator.MigrateUp(connectionString);
        await using var app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:MigrateOnStartup"] = "false" });
        var http = app.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        // A later release's migration, as the old instances see it during a rolling deploy.
        await using (var connection = new Npgsql.NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand(
                """insert into "VersionInfo" ("Version", "AppliedOn", "Description") values (@v, now(), 'from a later release')""", connection);
            insert.Parameters.AddWithValue("v", DatabaseMigrator.LatestVersion + 1);
            await insert.ExecuteNonQueryAsync();
        }

        var ready = await http.GetAsync("/health/ready");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_app_sets_an_idle_in_transaction_timeout_on_its_own_sessions_unless_told_not_to()
    {
        var server = await SharedPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync($"jkboats_idle_{Guid.NewGuid():N}"[..40]);
        await using var app = new JkBoatsApp(connectionString);
        await using var off = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:IdleInTransactionTimeout"] = "00:00:00" });

        async Task<string?> SettingAsync(JkBoatsApp host)
        {
            var db = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
            await using var command = db.CreateCommand("show idle_in_transaction_session_timeout");
            return (string?)await command.ExecuteScalarAsync();
        }

        Assert.Equal("10s", await SettingAsync(app));
        Assert.Equal("0", await SettingAsync(off));
    }
}
