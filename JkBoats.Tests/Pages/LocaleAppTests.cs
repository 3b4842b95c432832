using System.Net;
using JkBoats.Data;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using JkBoats.Web.Pages.Shared;
using MimeKit;
using Npgsql;

namespace JkBoats.Tests.Pages;

/// <summary>An app run as a Greek operator would run it (euros, en-GB, Europe/Athens): the customer's departure page, the desk's
/// booking page and the confirmation email write euros and Athens times, never dollars or UTC; and settings the app cannot
/// use stop it at start-up.</summary>
public sealed class LocaleAppTests : IAsyncLifetime
{
    private const string TimeZone = "Europe/Athens";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static readonly Display Expected = new(new LocaleOptions { Culture = "en-GB", Currency = "EUR" });

    private readonly string _mail = Path.Combine(Path.GetTempPath(), $"jkboats-locale-mail-{Guid.NewGuid():N}");

    private string _connectionString = null!;

    private NpgsqlDataSource _db = null!;

    private JkBoatsApp _app = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_locale");
        _db = NpgsqlDataSource.Create(_connectionString);
        _app = new JkBoatsApp(_connectionString, new Dictionary<string, string?>
        {
            ["JkBoats:Locale:Currency"] = "EUR",
            ["JkBoats:Locale:Culture"] = "en-GB",
            ["JkBoats:TimeZone"] = TimeZone,
            ["Email:Smtp:Host"] = "",
            ["Email:PickupDirectory"] = _mail,
            ["Email:Worker:PollInterval"] = "00:00:00.200",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
        if (Directory.Exists(_mail))
        {
            Directory.Delete(_mail, recursive: true);
        }
    }

    private static DateTime Athens(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));

    [Fact]
    public async Task Pages_and_the_email_write_euros_and_athens_times()
    {
        // 07:00 UTC is 09:00 (winter) or 10:00 (summer) in Athens: a page that wrote UTC would say 07:00.
        var utc = DateTime.UtcNow.Date.AddDays(12).AddHours(7);
        var local = Athens(utc);
        Assert.NotEqual(utc.Hour, local.Hour);
        var departure = await new TestData(_db).CreateDepartureAsync(price: 1234.50m, departureTime: utc);

        using var visitor = new SiteSession(_app.BaseAddress);
        var page = await visitor.GetAsync($"/departures/{departure.DepartureId}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var customerText = page.Document.Body!.TextContent;
        Assert.Contains("€1,234.50", customerText);
        Assert.Contains(Expected.DayAndTime(local), customerText);
        Assert.DoesNotContain("$", customerText);
        Assert.DoesNotContain($"{utc:HH:mm}", customerText);

        var booked = await BookingApi.PostAsync(_app.CreateHttpClient(), BookingApi.Body(departure.DepartureId, 2));
        Assert.Equal(201, booked.Status);
        // The API keeps money a number whatever the locale.
        Assert.Equal(2469.00m, booked.Body.GetProperty("total_price").GetDecimal());
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;

        var agent = await StaffSession.SignInAsync(_app, _db, JkBoats.Data.Staff.StaffRoles.Agent);
        var staffPage = await agent.GetDocumentAsync($"/staff/bookings/{bookingId}");
        var staffText = staffPage.Body!.TextContent;
        Assert.Contains("€2,469.00", staffText);
        Assert.Contains(Expected.DayWithYearAndTime(local), staffText);
        Assert.DoesNotContain("$", staffText);

        await Eventually.HoldsAsync(() => Directory.Exists(_mail) && Directory.EnumerateFiles(_mail, "*.eml").Any(), Patience, "the confirmation email");
        var email = await MimeMessage.LoadAsync(Assert.Single(Directory.GetFiles(_mail, "*.eml")));
        Assert.Contains(code, email.TextBody);
        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("€2,469.00", body);
            Assert.Contains(Expected.DayAndTime(local), body);
            Assert.DoesNotContain("$", body);
        }
    }

    [Fact]
    public void An_unknown_currency_stops_the_app_at_start_up_naming_the_setting()
    {
        var failure = Assert.ThrowsAny<Exception>(() => new JkBoatsApp(_connectionString, new Dictionary<string, string?>
        {
            ["JkBoats:Locale:Currency"] = "XYZ",
        }).Dispose());
        Assert.Contains("JkBoats:Locale:Currency is \"XYZ\", which is not an ISO 4217 currency code", Messages(failure));
    }

    [Fact]
    public void An_unknown_culture_stops_the_app_at_start_up_naming_the_setting()
    {
        var failure = Assert.ThrowsAny<Exception>(() => new JkBoatsApp(_connectionString, new Dictionary<string, string?>
        {
            ["JkBoats:Locale:Culture"] = "xx-QQ",
        }).Dispose());
        Assert.Contains("JkBoats:Locale:Culture is \"xx-QQ\"", Messages(failure));
    }

    private static string Messages(Exception failure)
    {
        var messages = new List<string>();
        for (var e = failure; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(i => i.Message));
            }
        }
        return string.Join(" | ", messages);
    }
}
