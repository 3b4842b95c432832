using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace JkBoats.Tests.Infrastructure;

/// <summary>The Release build as a separate OS process; disposing kills the process tree, so a failing test never leaves an app running.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private const int OutputLines = 2000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Output => [.. _output];

    public static Dictionary<string, string?> DefaultSettings(string connectionString)
    {
        var settings = TestAppSettings.For(connectionString);
        settings["JkBoats:MigrateOnStartup"] = "false";
        settings["JkBoats:Watchdog:Enabled"] = "false";
        return settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
    }

    public static Dictionary<string, string?> SmtpSettings(int smtpPort, TimeSpan lease) => new()
    {
        ["Email__Smtp__Host"] = "127.0.0.1",
        ["Email__Smtp__Port"] = smtpPort.ToString(),
        ["Email__Smtp__UseTls"] = "None",
        ["Email__Smtp__Timeout"] = "00:00:03",
        ["Email__Worker__PollInterval"] = "00:00:00.200",
        ["Email__Worker__LeaseDuration"] = lease.ToString("c"),
        ["Email__Worker__BackoffBase"] = "00:00:00.400",
        ["Email__Worker__BackoffCap"] = "00:00:05",
    };

    public static async Task<AppProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, CancellationToken ct = default)
    {
        var root = RepositoryRoot();
        var dll = Path.Combine(root, "JkBoats.Web", "bin", "Release", "net10.0", "JkBoats.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the app first (dotnet build -c Release): {dll} is missing.", dll);
        }
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            // The project folder as content root, as with dotnet run: appsettings.json and wwwroot are there.
            WorkingDirectory = Path.Combine(root, "JkBoats.Web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        var environment = DefaultSettings(connectionString);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => app.Record(line.Data);
        process.ErrorDataReceived += (_, line) => app.Record(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateHttpClient(TimeSpan? timeout = null) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = BaseAddress,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    /// <summary>SIGKILL for the app and anything it started: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM: the app's graceful shutdown (what a container orchestrator sends first).</summary>
    public void Terminate()
    {
        if (!_process.HasExited && SysKill(_process.Id, Sigterm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        try
        {
            Kill();
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan limit, CancellationToken ct)
    {
        using var http = CreateHttpClient(TimeSpan.FromSeconds(2));
        await Eventually.HoldsAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode} before it was ready:\n{string.Join('\n', Output.TakeLast(40))}");
            }
            try
            {
                using var answer = await http.GetAsync("/health/ready", ct);
                return answer.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return false; // a slow first answer
            }
        }, limit, () => $"/health/ready to answer 200:\n{string.Join('\n', Output.TakeLast(40))}", TimeSpan.FromMilliseconds(100), ct);
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > OutputLines && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JkBoats.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No JkBoats.sln above {AppContext.BaseDirectory}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
