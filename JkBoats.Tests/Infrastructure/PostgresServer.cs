using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;
using Testcontainers.PostgreSql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server for integration tests. Chosen in this order:
/// <list type="number">
/// <item><c>JKBOATS_TEST_DB</c> environment variable holding an admin connection string (Kind "environment");</item>
/// <item>a reachable Docker engine: Testcontainers with <c>postgres:16-alpine</c> (Kind "testcontainers");
///   skipped when <c>JKBOATS_TEST_NO_DOCKER=1</c>;</item>
/// <item>a throwaway local cluster made with the machine's initdb/pg_ctl (Kind "local-cluster").</item>
/// </list>
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string KindEnvironment = "environment";
    public const string KindTestcontainers = "testcontainers";
    public const string KindLocalCluster = "local-cluster";

    private readonly SemaphoreSlim _createLock = new(1, 1);
    private readonly PostgreSqlContainer? _container;
    private readonly LocalCluster? _cluster;
    private int _disposed;

    private PostgresServer(string kind, string adminConnectionString, PostgreSqlContainer? container, LocalCluster? cluster)
    {
        Kind = kind;
        AdminConnectionString = adminConnectionString;
        _container = container;
        _cluster = cluster;
    }

    /// <summary>"environment", "testcontainers" or "local-cluster".</summary>
    public string Kind { get; }

    /// <summary>Superuser connection string to the "postgres" database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>True only for a local cluster, which can be stopped and started again by <see cref="StopAsync"/> / <see cref="StartAgainAsync"/>.</summary>
    public bool CanRestart => _cluster is not null;

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var fromEnv = Environment.GetEnvironmentVariable("JKBOATS_TEST_DB");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            var b = new NpgsqlConnectionStringBuilder(fromEnv);
            if (string.IsNullOrEmpty(b.Database)) b.Database = "postgres";
            var server = new PostgresServer(KindEnvironment, b.ConnectionString, null, null);
            await server.WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            return server;
        }

        var failures = new List<string>();
        if (Environment.GetEnvironmentVariable("JKBOATS_TEST_NO_DOCKER") != "1" && await DockerLooksReachableAsync(ct).ConfigureAwait(false))
        {
            var server = await TryStartContainerAsync(failures, ct).ConfigureAwait(false);
            if (server is not null) return server;
        }

        try
        {
            var cluster = await LocalCluster.CreateAndStartAsync(ct).ConfigureAwait(false);
            var server = new PostgresServer(KindLocalCluster, cluster.ConnectionString("postgres"), null, cluster);
            await server.WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            return server;
        }
        catch (Exception ex) when (failures.Count > 0 && ex is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                "Could not start a PostgreSQL server for tests. Docker attempt: " + string.Join("; ", failures) +
                Environment.NewLine + "Local cluster attempt: " + ex.Message, ex);
        }
    }

    /// <summary>A private local cluster whatever else is available, for tests that stop and start the server.</summary>
    public static async Task<PostgresServer> StartLocalClusterAsync(CancellationToken ct = default)
    {
        var cluster = await LocalCluster.CreateAndStartAsync(ct).ConfigureAwait(false);
        var server = new PostgresServer(KindLocalCluster, cluster.ConnectionString("postgres"), null, cluster);
        await server.WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// A private local cluster ready to stream to replicas: <c>wal_level=replica</c>, WAL senders, and initdb's
    /// <c>host replication all 127.0.0.1/32 trust</c> entry in pg_hba.conf (checked). Start one with <see cref="StartStreamingReplicaAsync"/>.
    /// </summary>
    public static async Task<PostgresServer> StartLocalPrimaryAsync(CancellationToken ct = default)
    {
        var cluster = await LocalCluster.CreateAndStartAsync(ct, replication: true).ConfigureAwait(false);
        var server = new PostgresServer(KindLocalCluster, cluster.ConnectionString("postgres"), null, cluster);
        await server.WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// A streaming replica of this local primary (<see cref="StartLocalPrimaryAsync"/>): <c>pg_basebackup -R -X stream</c>
    /// into a new folder, started on another port as a hot standby. Read-only; dispose it before the primary.
    /// </summary>
    public async Task<PostgresServer> StartStreamingReplicaAsync(CancellationToken ct = default)
    {
        var primary = _cluster ?? throw new NotSupportedException($"Replicas can only be made of a local cluster (this server is '{Kind}').");
        var cluster = await LocalCluster.CreateReplicaAndStartAsync(primary, ct).ConfigureAwait(false);
        var server = new PostgresServer(KindLocalCluster, cluster.ConnectionString("postgres"), null, cluster);
        await server.WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return server;
    }

    /// <summary>The same connection string pointed at this server (e.g. a primary's database on its replica).</summary>
    public string ConnectionStringFor(string connectionString)
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        return new NpgsqlConnectionStringBuilder(connectionString) { Host = admin.Host, Port = admin.Port }.ConnectionString;
    }

    /// <summary>Drops the database if it exists, creates it afresh and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var target = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;

        await _createLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString;
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync(ct).ConfigureAwait(false);
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", conn))
                await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using (var create = new NpgsqlCommand($"CREATE DATABASE {quoted} ENCODING 'UTF8' TEMPLATE template0", conn))
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _createLock.Release();
        }

        // Pooled connections to a dropped database of the same name are dead now.
        await using (var c = new NpgsqlConnection(target)) NpgsqlConnection.ClearPool(c);
        return target;
    }

    /// <summary>Stops the local cluster (pg_ctl stop -m fast). Local cluster only.</summary>
    public Task StopAsync(CancellationToken ct = default)
    {
        var cluster = _cluster ?? throw new NotSupportedException($"StopAsync is only supported for a local cluster (this server is '{Kind}').");
        return cluster.StopAsync("fast", ct);
    }

    /// <summary>Starts the local cluster again on the same port after <see cref="StopAsync"/>. Local cluster only.</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        var cluster = _cluster ?? throw new NotSupportedException($"StartAgainAsync is only supported for a local cluster (this server is '{Kind}').");
        await cluster.StartAsync(ct).ConfigureAwait(false);
        await WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_container is not null)
        {
            try { await _container.DisposeAsync().ConfigureAwait(false); } catch { /* best effort */ }
        }
        if (_cluster is not null) await _cluster.DisposeAsync().ConfigureAwait(false);
        _createLock.Dispose();
    }

    private async Task WaitUntilReachableAsync(TimeSpan timeout, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync(ct).ConfigureAwait(false);
                await using var cmd = new NpgsqlCommand("select 1", conn);
                await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException($"PostgreSQL ({Kind}) is not reachable with '{Redact(AdminConnectionString)}': {ex.Message}", ex);
            }
        }
    }

    private static string Redact(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(b.Password)) b.Password = "***";
        return b.ConnectionString;
    }

    // ---------------------------------------------------------------- Docker / Testcontainers

    private static async Task<bool> DockerLooksReachableAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST"))) return true;
        const string socketPath = "/var/run/docker.sock";
        if (!File.Exists(socketPath)) return false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
            var request = Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var head = Encoding.ASCII.GetString(buffer, 0, read);
            return head.StartsWith("HTTP/1.", StringComparison.Ordinal) && head.Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<PostgresServer?> TryStartContainerAsync(List<string> failures, CancellationToken ct)
    {
        PostgreSqlContainer? container = null;
        try
        {
            container = new PostgreSqlBuilder("postgres:16-alpine")
                .WithDatabase("postgres")
                .WithUsername("postgres")
                .WithPassword("postgres")
                .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
                .Build();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await container.StartAsync(timeout.Token).ConfigureAwait(false);
            var b = new NpgsqlConnectionStringBuilder(container.GetConnectionString())
            {
                Database = "postgres",
                IncludeErrorDetail = true,
            };
            var server = new PostgresServer(KindTestcontainers, b.ConnectionString, container, null);
            await server.WaitUntilReachableAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            return server;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            failures.Add(ex.GetType().Name + ": " + ex.Message);
            if (container is not null)
            {
                try { await container.DisposeAsync().ConfigureAwait(false); } catch { /* best effort */ }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- local cluster

    private sealed class LocalCluster : IAsyncDisposable
    {
        private readonly string _binDir;
        private readonly bool _asPostgresUser;
        private readonly string _rootDir;
        private readonly string _dataDir;
        private readonly string _logFile;
        private readonly EventHandler _onProcessExit;
        private bool _replication;
        private int _port;
        private int _disposed;

        private LocalCluster(string binDir, bool asPostgresUser, string rootDir)
        {
            _binDir = binDir;
            _asPostgresUser = asPostgresUser;
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

        public int Port => _port;

        public static Task<LocalCluster> CreateAndStartAsync(CancellationToken ct, bool replication = false) =>
            CreateAndStartAsync(ct, replication, async cluster =>
            {
                var init = await cluster.RunPgAsync("initdb",
                    ["-D", cluster._dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"], ct).ConfigureAwait(false);
                if (init.ExitCode != 0)
                    throw new InvalidOperationException($"initdb failed (exit {init.ExitCode}):{Environment.NewLine}{init.Output}");
                if (replication)
                {
                    var hba = await File.ReadAllTextAsync(Path.Combine(cluster._dataDir, "pg_hba.conf"), ct).ConfigureAwait(false);
                    if (!System.Text.RegularExpressions.Regex.IsMatch(hba, @"(?m)^host\s+replication\s+all\s+127\.0\.0\.1/32\s+trust"))
                    {
                        // initdb writes this line with -A trust; make sure of it for a throwaway cluster.
                        var (file, args) = cluster.Command("sh", ["-c", $"echo 'host replication all 127.0.0.1/32 trust' >> '{Path.Combine(cluster._dataDir, "pg_hba.conf")}'"]);
                        await RunAsync(file, args, ct).ConfigureAwait(false);
                    }
                }
            });

        /// <summary>A hot standby of <paramref name="primary"/>, copied with pg_basebackup and streaming from it.</summary>
        public static Task<LocalCluster> CreateReplicaAndStartAsync(LocalCluster primary, CancellationToken ct) =>
            CreateAndStartAsync(ct, replication: false, async cluster =>
            {
                var backup = await cluster.RunPgAsync("pg_basebackup",
                    ["-D", cluster._dataDir, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", primary._port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-U", "postgres", "--no-sync", "-c", "fast"], ct).ConfigureAwait(false);
                if (backup.ExitCode != 0)
                    throw new InvalidOperationException($"pg_basebackup failed (exit {backup.ExitCode}):{Environment.NewLine}{backup.Output}");
            });

        private static async Task<LocalCluster> CreateAndStartAsync(CancellationToken ct, bool replication, Func<LocalCluster, Task> makeDataDir)
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
                throw new PlatformNotSupportedException("The local PostgreSQL cluster fallback needs a Unix-like OS; set JKBOATS_TEST_DB instead.");

            var binDir = FindBinDir() ?? throw new InvalidOperationException(
                "No PostgreSQL server binaries (initdb, pg_ctl) found under /usr/lib/postgresql/*/bin or on PATH. " +
                "Install them (Debian: apt-get install postgresql), or set JKBOATS_TEST_DB to an admin connection string.");

            var asPostgres = IsRoot();
            if (asPostgres && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && FindOnPath("runuser") is null)
                throw new InvalidOperationException("Running as root but 'runuser' is missing: initdb refuses to run as root.");

            var tmp = Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
            var root = Path.Combine(tmp, "jkboats-pg-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(root);
            var cluster = new LocalCluster(binDir, asPostgres, root) { _replication = replication };
            AppDomain.CurrentDomain.ProcessExit += cluster._onProcessExit;
            try
            {
                if (asPostgres)
                {
                    var chown = await RunAsync("chown", ["-R", "postgres:postgres", root], ct).ConfigureAwait(false);
                    if (chown.ExitCode != 0)
                        throw new InvalidOperationException($"chown postgres {root} failed (does the 'postgres' OS user exist?): {chown.Output}");
                }

                await makeDataDir(cluster).ConfigureAwait(false);

                cluster.StartWatchdog();

                // A free port can be taken between probing and binding: retry a few times.
                for (var attempt = 1; ; attempt++)
                {
                    cluster._port = FreePort();
                    try
                    {
                        await cluster.StartAsync(ct).ConfigureAwait(false);
                        return cluster;
                    }
                    catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                    {
                        // next port
                    }
                }
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

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
                "-c max_connections=300",
                "-c shared_buffers=128MB",
                _replication ? "-c wal_level=replica -c max_wal_senders=5 -c wal_keep_size=256MB" : "");
            var result = await RunPgAsync("pg_ctl",
                ["start", "-w", "-t", "60", "-D", _dataDir, "-l", _logFile, "-o", options], ct).ConfigureAwait(false);
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
                if (File.Exists(Path.Combine(_dataDir, "postmaster.pid")))
                    await RunPgAsync("pg_ctl", ["stop", "-w", "-t", "30", "-D", _dataDir, "-m", "immediate"], CancellationToken.None).ConfigureAwait(false);
            }
            catch { /* best effort */ }
            DeleteRootDir();
        }

        private void EmergencyCleanup()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                if (File.Exists(Path.Combine(_dataDir, "postmaster.pid")))
                {
                    var (file, args) = Command(Path.Combine(_binDir, "pg_ctl"), ["stop", "-w", "-t", "10", "-D", _dataDir, "-m", "immediate"]);
                    var psi = NewStartInfo(file, args);
                    using var p = Process.Start(psi);
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
                    Thread.Sleep(200);
                }
                catch { /* give up; the watchdog or /tmp cleaning gets it */ }
            }
        }

        /// <summary>
        /// A detached shell that stops the cluster and deletes its folder if this process dies without
        /// disposing (e.g. killed by SIGKILL, where ProcessExit handlers do not run). It exits by itself once
        /// the folder is gone (normal disposal).
        /// </summary>
        private void StartWatchdog()
        {
            try
            {
                var pgCtl = Path.Combine(_binDir, "pg_ctl");
                var stop = (_asPostgresUser ? "runuser -u postgres -- " : "") +
                           $"{Q(pgCtl)} stop -D {Q(_dataDir)} -m immediate -w -t 30";
                var script =
                    "exec </dev/null >/dev/null 2>&1\n" +
                    $"while kill -0 {Environment.ProcessId} 2>/dev/null && [ -d {Q(_rootDir)} ]; do sleep 2; done\n" +
                    $"if [ -f {Q(Path.Combine(_dataDir, "postmaster.pid"))} ]; then {stop}; fi\n" +
                    $"rm -rf {Q(_rootDir)}\n";
                var setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : FindOnPath("setsid");
                var psi = new ProcessStartInfo(setsid ?? "bash") { UseShellExecute = false, WorkingDirectory = "/" };
                if (setsid is not null) psi.ArgumentList.Add("bash");
                psi.ArgumentList.Add("-c");
                psi.ArgumentList.Add(script);
                using var _ = Process.Start(psi);
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
            return RunAsync(file, allArgs, ct);
        }

        private (string File, IReadOnlyList<string> Args) Command(string exe, IReadOnlyList<string> args)
        {
            if (!_asPostgresUser) return (exe, args);
            var list = new List<string> { "-u", "postgres", "--", exe };
            list.AddRange(args);
            return ("runuser", list);
        }

        private static ProcessStartInfo NewStartInfo(string file, IReadOnlyList<string> args)
        {
            var psi = new ProcessStartInfo(file)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                WorkingDirectory = "/",
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            // Keep messages in English and avoid locale surprises.
            psi.Environment["LC_ALL"] = "C";
            psi.Environment["LANG"] = "C";
            return psi;
        }

        private static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct)
        {
            using var p = new Process { StartInfo = NewStartInfo(file, args) };
            var output = new StringBuilder();
            var gate = new object();
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
            try
            {
                p.Start();
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"Could not start '{file}': {ex.Message}", ex);
            }
            p.StandardInput.Close();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            try
            {
                await p.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { p.Kill(entireProcessTree: true); } catch { /* already gone */ }
                throw;
            }
            lock (gate) return (p.ExitCode, output.ToString().TrimEnd());
        }

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
            var initdb = FindOnPath("initdb");
            if (initdb is not null)
            {
                var dir = Path.GetDirectoryName(initdb)!;
                if (File.Exists(Path.Combine(dir, "pg_ctl"))) return dir;
            }
            return null;
        }

        private static Version? ParseVersion(string name)
        {
            if (int.TryParse(name, out var major)) return new Version(major, 0);
            return Version.TryParse(name, out var v) ? v : null;
        }

        private static string? FindOnPath(string exe)
        {
            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, exe);
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
            finally { listener.Stop(); }
        }

        private static bool IsRoot()
        {
            try { return geteuid() == 0; }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
            }
        }

        [DllImport("libc", SetLastError = false)]
        private static extern uint geteuid();
    }
}
