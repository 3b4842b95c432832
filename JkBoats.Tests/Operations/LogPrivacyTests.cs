using System.Collections.Concurrent;
using JkBoats.Data.Email;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;

namespace JkBoats.Tests.Operations;

/// <summary>Every log event of a booking, look-ups and manage-page visits, at Debug and with ASP.NET Core's own logs on.</summary>
public sealed class LogPrivacyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly CapturedLog _log = new();
    private JkBoatsApp _app = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_logs");
        _data = new TestData(Npgsql.NpgsqlDataSource.Create(connectionString));
        _app = new JkBoatsApp(connectionString, new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Debug",
            // The framework's request-start/route-matched events carry paths and query strings: include them.
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Debug",
            ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        }, services => services.AddSingleton<ILogEventSink>(_log));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _data.Db.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task No_email_phone_name_or_manage_token_appears_in_any_log_event_and_every_request_has_a_correlation_id()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        using var http = _app.CreateHttpClient();
        var email = $"zenobia.{Guid.NewGuid():N}@example.com";
        const string name = "Zenobia Quarterfield";
        const string phone = "+14155550177";
        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 2, TestData.Customer(email, name, phone)));
        Assert.Equal(201, booked.Status);
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;

        var byEmail = await http.GetAsync($"/api/bookings?email={Uri.EscapeDataString(email)}");
        var byPhone = await http.GetAsync($"/api/bookings?phone={Uri.EscapeDataString(phone)}");
        Assert.True(byEmail.IsSuccessStatusCode && byPhone.IsSuccessStatusCode);
        var manage = (await _app.Services.GetRequiredService<ManageLinks>().UrlForAsync(bookingId, CancellationToken.None)).AbsolutePath;
        var token = manage[(manage.LastIndexOf('/') + 1)..];
        var page = await http.GetAsync(manage);
        Assert.Equal(200, (int)page.StatusCode);
        var forged = await http.GetAsync(manage[..^4] + "AAAA");
        Assert.Equal(404, (int)forged.StatusCode);

        // Correlation ids: one per answer, a caller's safe id kept, an unsafe one replaced.
        var ids = new[] { booked.Response, byEmail, byPhone, page, forged }.Select(r => r.Headers.GetValues(RequestLogging.CorrelationHeader).Single()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9._-]{1,64}$", id));
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/destinations"))
        {
            request.Headers.Add(RequestLogging.CorrelationHeader, "lb-req-42");
            Assert.Equal("lb-req-42", (await http.SendAsync(request)).Headers.GetValues(RequestLogging.CorrelationHeader).Single());
        }
        string replaced;
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/destinations"))
        {
            request.Headers.TryAddWithoutValidation(RequestLogging.CorrelationHeader, "<script>" + email);
            replaced = (await http.SendAsync(request)).Headers.GetValues(RequestLogging.CorrelationHeader).Single();
            Assert.DoesNotContain("script", replaced);
        }

        // The request log is written as the response completes, so it may trail the answer.
        string[] answered = [.. ids, "lb-req-42", replaced];
        await Eventually.HoldsAsync(() => answered.All(id => RequestLogs(_log.Events).Any(e => CorrelationOf(e) == $"\"{id}\"")),
            TimeSpan.FromSeconds(10), "a request log for every answer");
        var events = _log.Events.ToList();
        var requestLogs = RequestLogs(events).ToList();
        Assert.Contains(requestLogs, e => e.Properties["RequestRoute"].ToString() == "\"/bookings/manage/{token}\"");
        Assert.All(requestLogs, e => Assert.True(e.Properties.ContainsKey(RequestLogging.CorrelationProperty)));
        var pageLog = requestLogs.Single(e => e.Properties[RequestLogging.CorrelationProperty].ToString() == $"\"{ids[3]}\"");
        Assert.Equal("200", pageLog.Properties["StatusCode"].ToString());

        string[] secrets = [email, email.Split('@')[0], Uri.EscapeDataString(email), name, "Zenobia", "Quarterfield", "4155550177", "555-0177",
            "555 0177", Uri.EscapeDataString(phone), token, code];
        var leaks = new List<string>();
        foreach (var e in events)
        {
            var texts = new[] { e.RenderMessage(), e.MessageTemplate.Text, e.Exception?.ToString() ?? "" }
                .Concat(e.Properties.Select(p => $"{p.Key}={p.Value}"));
            leaks.AddRange(from text in texts from secret in secrets where text.Contains(secret, StringComparison.OrdinalIgnoreCase) select $"{secret} in {text}");
        }
        output.WriteLine($"{events.Count} log events ({requestLogs.Count} request logs) checked for {secrets.Length} secrets: {leaks.Count} leaks");
        Assert.Empty(leaks);
    }

    private static IEnumerable<LogEvent> RequestLogs(IEnumerable<LogEvent> events) =>
        events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal));

    private static string? CorrelationOf(LogEvent e) =>
        e.Properties.TryGetValue(RequestLogging.CorrelationProperty, out var id) ? id.ToString() : null;

    private sealed class CapturedLog : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }
}
