using System.Runtime.CompilerServices;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using JkBoats.Data;
using JkBoats.Data.Demo;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace JkBoats.Tests.Browser;

/// <summary>The machine's own headless Chromium, never a downloaded one. Every browser call and context has a time limit, so a stuck
/// test fails instead of hanging the run.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // The no-JavaScript journey takes over a minute on an idle 2-core machine (axe runs in a second page per step).
    public static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(150);

    public static readonly TimeSpan AxeLimit = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan CloseLimit = TimeSpan.FromSeconds(10);

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    // htmx marks elements while a request is out and while new content swaps in and settles; swapped results
    // fade back in from the busy-dim opacity, so axe and screenshots wait for the marks and the transition to end.
    private const string HtmxIsQuiet = """
        () => document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added') === null
            && document.getAnimations().every(a => !(a instanceof CSSTransition))
        """;

    private static readonly ConditionalWeakTable<IBrowserContext, object> ContextsWithoutScript = [];

    private IPlaywright? _playwright;

    private IBrowser? _browser;

    public AppFixture Site { get; } = new();

    /// <summary>The operator day the demo data was laid out from: its days count from here, even once the clock has passed midnight.</summary>
    public DateOnly SeededOn { get; private set; }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not running.");

    public string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        await Site.InitializeAsync();
        SeededOn = Site.App.Services.GetRequiredService<OperatorCalendar>().Today;
        await Site.App.Services.GetRequiredService<DemoData>().SeedAsync(CancellationToken.None);
        Directory.CreateDirectory(ScreenshotDirectory);
        Console.WriteLine($"Browser test screenshots: {ScreenshotDirectory}");
        Assertions.SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("JKBOATS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 30_000,
        });
    }

    /// <summary>A page in a fresh context that closes when the tab is disposed: <c>await using var tab = …</c>.</summary>
    public async Task<BrowserTab> OpenAsync(int width, int height, bool javaScript = true) =>
        new(await NewPageAsync(width, height, javaScript));

    /// <summary>A page in a fresh context; the caller closes <c>page.Context</c> in a <c>finally</c>.</summary>
    public async Task<IPage> NewPageAsync(int width, int height, bool javaScript = true)
    {
        var context = await NewContextAsync(Browser, width, height, javaScript, Site.App.BaseAddress.ToString());
        try
        {
            return await context.NewPageAsync();
        }
        catch
        {
            await CloseQuietlyAsync(context);
            throw;
        }
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        await SettledAsync(page);
        var path = Path.Combine(ScreenshotDirectory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
    }

    public static async Task AssertAccessibleAsync(IPage page)
    {
        await SettledAsync(page);
        var result = ContextsWithoutScript.TryGetValue(page.Context, out _) ? await RunAxeOnSnapshotAsync(page) : await RunAxeAsync(page);
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe on {page.Url}: " + string.Join("; ", bad.Select(Describe)));
    }

    public static async Task SettledAsync(IPage page)
    {
        if (!ContextsWithoutScript.TryGetValue(page.Context, out _))
        {
            await page.WaitForFunctionAsync(HtmxIsQuiet, null, new PageWaitForFunctionOptions { PollingInterval = 50 });
        }
    }

    /// <summary>axe-core never finishes in a page with JavaScript disabled (a plain evaluate does, axe.run does not), so it checks the same
    /// DOM and styles in a page of the same size that runs none of the site's scripts.</summary>
    private static async Task<AxeResult> RunAxeOnSnapshotAsync(IPage page)
    {
        var html = await page.ContentAsync();
        var url = page.Url.Split('#')[0];
        var viewport = page.ViewportSize!;
        var context = await NewContextAsync(page.Context.Browser!, viewport.Width, viewport.Height, javaScript: true, baseUrl: null);
        try
        {
            var snapshot = await context.NewPageAsync();
            await snapshot.RouteAsync("**/*", route =>
            {
                var request = route.Request;
                if (request.IsNavigationRequest && request.Url == url)
                {
                    return route.FulfillAsync(new RouteFulfillOptions { Body = html, ContentType = "text/html; charset=utf-8" });
                }
                return request.ResourceType == "script" ? route.AbortAsync() : route.ContinueAsync();
            });
            await snapshot.GotoAsync(url);
            return await RunAxeAsync(snapshot);
        }
        finally
        {
            await CloseQuietlyAsync(context);
        }
    }

    private static async Task<AxeResult> RunAxeAsync(IPage page)
    {
        try
        {
            return await page.RunAxe().WaitAsync(AxeLimit);
        }
        catch (TimeoutException)
        {
            await CloseQuietlyAsync(page.Context);
            throw new TimeoutException($"axe did not finish on {page.Url} within {AxeLimit.TotalSeconds:0} s, so the browser context was closed.");
        }
    }

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, int width, int height, bool javaScript, string? baseUrl)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            JavaScriptEnabled = javaScript,
            Locale = "en-US",
        });
        if (!javaScript)
        {
            ContextsWithoutScript.Add(context, new object());
        }
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(15_000);
        var limit = new CancellationTokenSource(TestLimit);
        limit.Token.Register(() => _ = context.CloseAsync(new BrowserContextCloseOptions
        {
            Reason = $"The test ran longer than {TestLimit.TotalSeconds:0} s, so its browser context was closed.",
        }));
        context.Close += (_, _) => limit.Dispose();
        return context;
    }

    /// <summary>Closing never hangs a test and never hides the test's own failure.</summary>
    internal static async Task CloseQuietlyAsync(IBrowserContext context)
    {
        try
        {
            await context.CloseAsync().WaitAsync(CloseLimit);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            Console.WriteLine($"Closing a browser context failed: {e.Message}");
        }
    }

    private static string Describe(AxeResultItem violation) =>
        $"{violation.Id} ({violation.Impact}): {violation.Help} at {string.Join(", ", violation.Nodes.Select(n => n.Html).Take(3))}";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JkBoats.sln")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_browser is not null)
            {
                await _browser.CloseAsync().WaitAsync(CloseLimit);
            }
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            Console.WriteLine($"Closing Chromium failed: {e.Message}");
        }
        finally
        {
            _playwright?.Dispose();
            await Site.DisposeAsync();
        }
    }
}

public sealed class BrowserTab(IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public ValueTask DisposeAsync() => new(BrowserFixture.CloseQuietlyAsync(Page.Context));
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
