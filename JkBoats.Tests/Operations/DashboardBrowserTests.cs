using Dapper;
using Deque.AxeCore.Playwright;
using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace JkBoats.Tests.Operations;

/// <summary>The dashboard in a real headless Chromium: a screenshot at 1280×800 and an axe accessibility scan.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    public static readonly string ScreenshotPath = Path.Combine(Path.GetTempPath(), "jkboats-dashboard-1280x800.png");

    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_dashboard");
        _db = NpgsqlDataSource.Create(connectionString);
        // An operator for whom it is about noon: three departures later today exist at any hour the suite runs.
        _app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:TimeZone"] = TimeOfDay.NoonZone() });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task The_dashboard_renders_with_charts_and_passes_axe()
    {
        await SeedAsync();
        var email = await StaffSession.CreateStaffAsync(_db, StaffRoles.Admin);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(20_000);

        await page.GotoAsync(new Uri(_app.BaseAddress, "/staff/signin").ToString());
        await page.FillAsync("input[name='email']", email);
        await page.FillAsync("input[name='password']", StaffSession.Password);
        await page.ClickAsync("form button[type='submit']");
        // Commit, not load: the page's later requests must not decide whether sign-in worked.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff", new() { WaitUntil = WaitUntilState.Commit, Timeout = 20_000 });

        await Assertions.Expect(page.Locator("#today-departures li")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#sold-chart rect[data-day]")).ToHaveCountAsync(30, new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath.Replace(".png", "-full.png"), FullPage = true });

        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("\n", axe.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Target))})")));
    }

    private async Task SeedAsync()
    {
        var data = new TestData(_db);
        var now = DateTime.UtcNow;
        var calendar = _app.Services.GetRequiredService<OperatorCalendar>();
        var laterToday = calendar.LocalToUtc(calendar.Today.ToDateTime(new TimeOnly(23, 30)));
        var today = new[]
        {
            await data.CreateDepartureAsync(capacity: 12, departureTime: laterToday.AddMinutes(-20), destination: "Hydra"),
            await data.CreateDepartureAsync(capacity: 40, departureTime: laterToday.AddMinutes(-10), destination: "Poros"),
            await data.CreateDepartureAsync(capacity: 20, departureTime: laterToday, destination: "Aegina"),
        };
        var ahead = await data.CreateDepartureAsync(capacity: 50, departureTime: now.Date.AddDays(4).AddHours(9), destination: "Spetses");
        var api = _app.CreateHttpClient();
        var random = new Random(3);
        foreach (var (departure, seats) in new[] { (today[0], 11), (today[1], 14), (today[2], 5), (ahead, 30) })
        {
            for (var left = seats; left > 0; left -= 2)
            {
                Assert.Equal(201, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, Math.Min(2, left)))).Status);
            }
        }
        Assert.Equal(400, (await BookingApi.PostAsync(api, BookingApi.Body(today[0].DepartureId, 5))).Status);
        await using var connection = await _db.OpenConnectionAsync();
        var ids = (await connection.QueryAsync<Guid>("select id from bookings")).ToList();
        foreach (var id in ids)
        {
            await connection.ExecuteAsync("update bookings set created_at = now() - make_interval(days => @days) where id = @id",
                new { id, days = random.Next(0, 29) });
        }
    }
}
