using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>As root, every PostgreSQL tool runs as the <c>postgres</c> OS user (initdb refuses root). A ProcessExit handler and a detached
/// watchdog shell remove the cluster when the test process ends without disposing.</summary>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string ReplicationHbaLine = "host replication all 127.0.0.1/32 trust";

    private readonly string _binDir;
    private readonly bool _asPostgresUser;
    private readonly bool _replication;
    private readonly string _rootDir;
    private readonly string _dataDir;
    private readonly string _logFile;
    private readonly EventHandler _onProcessExit;
    private int _port;
    private int _disposed;

    private LocalPostgresCluster(string binDir, bool asPostgresUser, bool replication, string rootDir)
    {
        _binDir = binDir;
        _asPostgresUser = asPostgresUser;
        _replication = replication;
        _rootDir = rootDir;
        _dataDir = Path.Combine(rootDir, "data");
        _logFile = Path.Combine(rootDir, "postgres.log");
        _onProcessExit = (_, _) => EmergencyCleanup();
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    public static Task<LocalPostgresCluster> CreateAndStartAsync(bool replication, CancellationToken ct) =>
        CreateAndStartAsync(replication, cluster => cluster.InitDbAsync(ct), ct);

    public static Task<LocalPostgresCluster> CreateReplicaAndStartAsync(LocalPostgresCluster primary, CancellationToken ct) =>
        CreateAndStartAsync(replication: false, cluster => cluster.BaseBackupAsync(primary, ct), ct);

    public async Task StartAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var options = string.Join(' ',
            $"-p {_port}",
            "-c listen_addresses=127.0.0.1",
            $"-k {_rootDir}",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=500",
            "-c shared_buffers=128MB",
            _replication ? "-c wal_level=replica -c max_wal_senders=5 -c wal_keep_size=256MB" : "");
        var result = await RunPgAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", _dataDir, "-l", _logFile, "-o", options], ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pg_ctl start failed (exit {result.ExitCode}) for the test cluster in {_rootDir} on port {_port}:{Environment.NewLine}" +
                result.Output + Environment.NewLine + "--- postgres.log (tail) ---" + Environment.NewLine + LogTail());
        }
    }

    public async Task StopAsync(string mode, CancellationToken ct)
    {
        var result = await RunPgAsync("pg_ctl", ["stop", "-w", "-t", "60", "-D", _dataDir, "-m", mode], ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pg_ctl stop failed (exit {result.ExitCode}):{Environment.NewLine}{result.Output}{Environment.NewLine}" +
                "--- postgres.log (tail) ---" + Environment.NewLine + LogTail());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        try
        {
            if (IsRunning)
                await RunPgAsync("pg_ctl", ["stop", "-w", "-t", "30", "-D", _dataDir, "-m", "immediate"], CancellationToken.None).ConfigureAwait(false);
        }
        catch { /* best effort */ }
        DeleteRootDir();
    }

    private bool IsRunning => File.Exists(Path.Combine(_dataDir, "postmaster.pid"));

    private static async Task<LocalPostgresCluster> CreateAndStartAsync(bool replication, Func<LocalPostgresCluster, Task> makeDataDir, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            throw new PlatformNotSupportedException("The local PostgreSQL cluster fallback needs a Unix-like OS; set JKBOATS_TEST_DB instead.");
        var binDir = FindBinDir() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) found under /usr/lib/postgresql/*/bin or on PATH. " +
            "Install them (Debian: apt-get install postgresql), or set JKBOATS_TEST_DB to an admin connection string.");
        var asPostgres = ChildProcess.IsRoot();
        if (asPostgres && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && ChildProcess.FindOnPath("runuser") is null)
            throw new InvalidOperationException("Running as root but 'runuser' is missing: initdb refuses to run as root.");

        var tmp = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var root = Path.Combine(tmp, "jkboats-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var cluster = new LocalPostgresCluster(binDir, asPostgres, replication, root);
        AppDomain.CurrentDomain.ProcessExit += cluster._onProcessExit;
        try
        {
            if (asPostgres)
            {
                var chown = await ChildProcess.RunAsync("chown", ["-R", "postgres:postgres", root], ct).ConfigureAwait(false);
                if (chown.ExitCode != 0)
                    throw new InvalidOperationException($"chown postgres {root} failed (does the 'postgres' OS user exist?): {chown.Output}");
            }
            await makeDataDir(cluster).ConfigureAwait(false);
            cluster.StartWatchdog();
            await cluster.StartOnFreePortAsync(ct).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitDbAsync(CancellationToken ct)
    {
        var init = await RunPgAsync("initdb", ["-D", _dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"], ct).ConfigureAwait(false);
        if (init.ExitCode != 0)
            throw new InvalidOperationException($"initdb failed (exit {init.ExitCode}):{Environment.NewLine}{init.Output}");
        if (!_replication) return;
        var hbaFile = Path.Combine(_dataDir, "pg_hba.conf");
        var hba = await File.ReadAllTextAsync(hbaFile, ct).ConfigureAwait(false);
        if (!Regex.IsMatch(hba, @"(?m)^host\s+replication\s+all\s+127\.0\.0\.1/32\s+trust"))
        {
            // initdb writes this line with -A trust; make sure of it for a throwaway cluster.
            var (file, args) = Command("sh", ["-c", $"echo '{ReplicationHbaLine}' >> '{hbaFile}'"]);
            await ChildProcess.RunAsync(file, args, ct).ConfigureAwait(false);
        }
    }

    private async Task BaseBackupAsync(LocalPostgresCluster primary, CancellationToken ct)
    {
        var backup = await RunPgAsync("pg_basebackup",
            ["-D", _dataDir, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", primary._port.ToString(CultureInfo.InvariantCulture),
             "-U", "postgres", "--no-sync", "-c", "fast"], ct).ConfigureAwait(false);
        if (backup.ExitCode != 0)
            throw new InvalidOperationException($"pg_basebackup failed (exit {backup.ExitCode}):{Environment.NewLine}{backup.Output}");
    }

    private async Task StartOnFreePortAsync(CancellationToken ct)
    {
        // A free port can be taken between probing and binding: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            _port = FreePort();
            try
            {
                await StartAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private void EmergencyCleanup()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (IsRunning)
            {
                var (file, args) = Command(Path.Combine(_binDir, "pg_ctl"), ["stop", "-w", "-t", "10", "-D", _dataDir, "-m", "immediate"]);
                using var p = System.Diagnostics.Process.Start(ChildProcess.StartInfo(file, args));
                if (p is not null)
                {
                    p.StandardOutput.ReadToEnd();
                    p.StandardError.ReadToEnd();
                    p.WaitForExit(15_000);
                }
            }
        }
        catch { /* best effort */ }
        DeleteRootDir();
    }

    private void DeleteRootDir()
    {
        for (var i = 0; i < 5; i++)
        {
            try
            {
                if (Directory.Exists(_rootDir)) Directory.Delete(_rootDir, recursive: true);
                return;
            }
            catch (Exception) when (i < 4)
            {
                // Synchronous on purpose (it also runs in the ProcessExit handler): a short pause before retrying a busy folder.
                Thread.Sleep(200);
            }
            catch { /* give up; the watchdog or /tmp cleaning gets it */ }
        }
    }

    /// <summary>A detached shell that stops the cluster and deletes its folder if this process dies without disposing (e.g. killed
    /// by SIGKILL, where ProcessExit handlers do not run). It exits by itself once the folder is gone (normal disposal).</summary>
    private void StartWatchdog()
    {
        try
        {
            var pgCtl = Path.Combine(_binDir, "pg_ctl");
            var stop = (_asPostgresUser ? "runuser -u postgres -- " : "") + $"{Q(pgCtl)} stop -D {Q(_dataDir)} -m immediate -w -t 30";
            var script =
                "exec </dev/null >/dev/null 2>&1\n" +
                $"while kill -0 {Environment.ProcessId} 2>/dev/null && [ -d {Q(_rootDir)} ]; do sleep 2; done\n" +
                $"if [ -f {Q(Path.Combine(_dataDir, "postmaster.pid"))} ]; then {stop}; fi\n" +
                $"rm -rf {Q(_rootDir)}\n";
            var setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : ChildProcess.FindOnPath("setsid");
            var psi = new System.Diagnostics.ProcessStartInfo(setsid ?? "bash") { UseShellExecute = false, WorkingDirectory = "/" };
            if (setsid is not null) psi.ArgumentList.Add("bash");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            using var _ = System.Diagnostics.Process.Start(psi);
        }
        catch { /* the ProcessExit handler still covers normal exits */ }

        static string Q(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private string LogTail()
    {
        try
        {
            if (!File.Exists(_logFile)) return "(no log file)";
            var lines = File.ReadAllLines(_logFile);
            return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 40)));
        }
        catch (Exception ex)
        {
            return "(could not read log: " + ex.Message + ")";
        }
    }

    private Task<(int ExitCode, string Output)> RunPgAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (file, allArgs) = Command(Path.Combine(_binDir, tool), args);
        return ChildProcess.RunAsync(file, allArgs, ct);
    }

    private (string File, IReadOnlyList<string> Args) Command(string exe, IReadOnlyList<string> args) =>
        _asPostgresUser ? ("runuser", ["-u", "postgres", "--", exe, .. args]) : (exe, args);

    private static string? FindBinDir()
    {
        const string baseDir = "/usr/lib/postgresql";
        if (Directory.Exists(baseDir))
        {
            var best = Directory.GetDirectories(baseDir)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(x => x.Version is not null && File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (best.Dir is not null) return best.Dir;
        }
        var initdb = ChildProcess.FindOnPath("initdb");
        var dir = initdb is null ? null : Path.GetDirectoryName(initdb);
        return dir is not null && File.Exists(Path.Combine(dir, "pg_ctl")) ? dir : null;
    }

    private static Version? ParseVersion(string name) =>
        int.TryParse(name, out var major) ? new Version(major, 0) : Version.TryParse(name, out var v) ? v : null;

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
