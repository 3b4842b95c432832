using System.Net;
using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>The board's poll and the manifest's check-in answer a fragment to htmx and a whole page otherwise, so caches must key
/// them on HX-Request, and a page adds that to the Vary it was given instead of replacing what others put there.</summary>
public sealed class FragmentVaryTests : IAsyncLifetime
{
    private const string UpstreamVary = "X-Upstream-Vary";
    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_vary");
        _db = NpgsqlDataSource.Create(connectionString);
        _data = new TestData(_db);
        _app = new JkBoatsApp(connectionString, services: services => services.AddTransient<IStartupFilter, VaryFromUpstream>());
    }

    [Fact]
    public async Task The_board_fragment_varies_on_HX_Request_and_keeps_the_Vary_set_before_it()
    {
        var departure = await _data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(3));
        var agent = await StaffSession.SignInAsync(_app, _db, StaffRoles.Agent);
        // The departure's own operator day, not today's UTC date: three hours on can be tomorrow (CI failed on this after 21:00 UTC).
        var day = _app.Services.GetRequiredService<OperatorCalendar>().ToLocal(departure.DepartureTime);
        var board = await agent.GetDocumentAsync($"/staff/board?date={day:yyyy-MM-dd}");
        var poll = board.QuerySelector("#board")!.GetAttribute("hx-get")!;

        using var fragment = await GetAsync(agent.Http, poll, htmx: true);
        using var page = await GetAsync(agent.Http, poll, htmx: false);

        Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
        var fragmentDocument = await StaffSession.ParseAsync(fragment);
        Assert.Equal("board", fragmentDocument.Body!.Children.Single().Id);
        Assert.NotNull(fragmentDocument.QuerySelector($"tr[data-departure-id='{departure.DepartureId}']"));
        var pageDocument = await StaffSession.ParseAsync(page);
        Assert.NotNull(pageDocument.QuerySelector("header"));
        Assert.NotNull(pageDocument.QuerySelector("main #board"));
        foreach (var response in new[] { fragment, page })
        {
            Assert.Contains("HX-Request", response.Headers.Vary);
            Assert.Contains(UpstreamVary, response.Headers.Vary);
        }
    }

    [Fact]
    public async Task The_manifest_check_in_fragment_varies_on_HX_Request_and_keeps_the_Vary_set_before_it()
    {
        var departure = await _data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(3));
        var agent = await StaffSession.SignInAsync(_app, _db, StaffRoles.Agent);
        var walkIn = await agent.SubmitAsync($"/staff/departures/{departure.DepartureId}/walk-in", "#walk-in-form",
            new() { ["FullName"] = "Vera Vary", ["Phone"] = "415 555 0177", ["Counts[adult]"] = "2" });
        Assert.Equal(HttpStatusCode.Redirect, walkIn.StatusCode);
        var manifestPath = $"/staff/departures/{departure.DepartureId}";
        var manifest = await agent.GetDocumentAsync(manifestPath);
        var form = (AngleSharp.Html.Dom.IHtmlFormElement)manifest.QuerySelector("#manifest form")!;
        Assert.Equal(form.GetAttribute("action"), form.GetAttribute("hx-post"));
        var fields = form.Elements.OfType<AngleSharp.Html.Dom.IHtmlInputElement>().Select(i => new KeyValuePair<string, string>(i.Name!, i.Value)).ToList();

        using var request = new HttpRequestMessage(HttpMethod.Post, form.GetAttribute("hx-post")) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("HX-Request", "true");
        using var fragment = await agent.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
        var fragmentDocument = await StaffSession.ParseAsync(fragment);
        Assert.Equal("manifest", fragmentDocument.Body!.Children.Single().Id);
        Assert.Contains("HX-Request", fragment.Headers.Vary);
        Assert.Contains(UpstreamVary, fragment.Headers.Vary);

        var undo = (AngleSharp.Html.Dom.IHtmlFormElement)fragmentDocument.QuerySelector("form")!;
        var undoFields = undo.Elements.OfType<AngleSharp.Html.Dom.IHtmlInputElement>().Select(i => new KeyValuePair<string, string>(i.Name!, i.Value)).ToList();
        using var redirect = await agent.Http.PostAsync(undo.GetAttribute("action"), new FormUrlEncodedContent(undoFields));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(manifestPath, redirect.Headers.Location!.OriginalString);
        Assert.Contains("HX-Request", redirect.Headers.Vary);
        Assert.Contains(UpstreamVary, redirect.Headers.Vary);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, bool htmx)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }
        return await http.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Stands in for any earlier middleware with a Vary of its own (a CDN rule, CORS's Origin).</summary>
    private sealed class VaryFromUpstream : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                http.Response.Headers.Append("Vary", UpstreamVary);
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
