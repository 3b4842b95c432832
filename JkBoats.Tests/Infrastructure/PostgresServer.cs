using System.Net.Sockets;
using Npgsql;
using Testcontainers.PostgreSql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>A PostgreSQL server for integration tests. Chosen in this order:
/// <list type="number">
/// <item><c>JKBOATS_TEST_DB</c> environment variable holding an admin connection string (Kind "environment");</item>
/// <item>a reachable Docker engine: <see cref="DockerPostgres"/> (Kind "testcontainers"); skipped when <c>JKBOATS_TEST_NO_DOCKER=1</c>;</item>
/// <item>a throwaway <see cref="LocalPostgresCluster"/> made with the machine's initdb/pg_ctl (Kind "local-cluster").</item>
/// </list></summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string KindEnvironment = "environment";
    public const string KindTestcontainers = "testcontainers";
    public const string KindLocalCluster = "local-cluster";

    private static readonly TimeSpan ReachableTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _createLock = new(1, 1);
    private readonly PostgreSqlContainer? _container;
    private readonly LocalPostgresCluster? _cluster;
    private int _disposed;

    private PostgresServer(string kind, string adminConnectionString, PostgreSqlContainer? container = null, LocalPostgresCluster? cluster = null)
    {
        Kind = kind;
        AdminConnectionString = adminConnectionString;
        _container = container;
        _cluster = cluster;
    }

    public string Kind { get; }

    public string AdminConnectionString { get; }

    public bool CanRestart => _cluster is not null;

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var fromEnv = Environment.GetEnvironmentVariable("JKBOATS_TEST_DB");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            var b = new NpgsqlConnectionStringBuilder(fromEnv);
            if (string.IsNullOrEmpty(b.Database)) b.Database = "postgres";
            return await ReachableAsync(new PostgresServer(KindEnvironment, b.ConnectionString), ct).ConfigureAwait(false);
        }

        string? dockerFailure = null;
        if (Environment.GetEnvironmentVariable("JKBOATS_TEST_NO_DOCKER") != "1" && await DockerPostgres.LooksReachableAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var (container, admin) = await DockerPostgres.StartAsync(ct).ConfigureAwait(false);
                return await ReachableAsync(new PostgresServer(KindTestcontainers, admin, container), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                dockerFailure = ex.GetType().Name + ": " + ex.Message;
            }
        }

        try
        {
            return await StartLocalClusterAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (dockerFailure is not null && ex is not OperationCanceledException)
        {
            throw new InvalidOperationException(
                "Could not start a PostgreSQL server for tests. Docker attempt: " + dockerFailure +
                Environment.NewLine + "Local cluster attempt: " + ex.Message, ex);
        }
    }

    /// <summary>A private local cluster whatever else is available, for tests that stop and start the server.</summary>
    public static async Task<PostgresServer> StartLocalClusterAsync(CancellationToken ct = default) =>
        await FromClusterAsync(await LocalPostgresCluster.CreateAndStartAsync(replication: false, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>A private local cluster ready to stream to replicas: <c>wal_level=replica</c>, WAL senders, and initdb's
    /// <c>host replication all 127.0.0.1/32 trust</c> entry in pg_hba.conf (checked). Start one with <see cref="StartStreamingReplicaAsync"/>.</summary>
    public static async Task<PostgresServer> StartLocalPrimaryAsync(CancellationToken ct = default) =>
        await FromClusterAsync(await LocalPostgresCluster.CreateAndStartAsync(replication: true, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>A streaming replica of this local primary (<see cref="StartLocalPrimaryAsync"/>): <c>pg_basebackup -R -X stream</c>
    /// into a new folder, started on another port as a hot standby. Read-only; dispose it before the primary.</summary>
    public async Task<PostgresServer> StartStreamingReplicaAsync(CancellationToken ct = default)
    {
        var primary = _cluster ?? throw new NotSupportedException($"Replicas can only be made of a local cluster (this server is '{Kind}').");
        return await FromClusterAsync(await LocalPostgresCluster.CreateReplicaAndStartAsync(primary, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    public string ConnectionStringFor(string connectionString)
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        return new NpgsqlConnectionStringBuilder(connectionString) { Host = admin.Host, Port = admin.Port }.ConnectionString;
    }

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

    public Task StopAsync(CancellationToken ct = default)
    {
        var cluster = _cluster ?? throw new NotSupportedException($"StopAsync is only supported for a local cluster (this server is '{Kind}').");
        return cluster.StopAsync("fast", ct);
    }

    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        var cluster = _cluster ?? throw new NotSupportedException($"StartAgainAsync is only supported for a local cluster (this server is '{Kind}').");
        await cluster.StartAsync(ct).ConfigureAwait(false);
        await WaitUntilReachableAsync(ct).ConfigureAwait(false);
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

    private static Task<PostgresServer> FromClusterAsync(LocalPostgresCluster cluster, CancellationToken ct) =>
        ReachableAsync(new PostgresServer(KindLocalCluster, cluster.ConnectionString("postgres"), cluster: cluster), ct);

    private static async Task<PostgresServer> ReachableAsync(PostgresServer server, CancellationToken ct)
    {
        try
        {
            await server.WaitUntilReachableAsync(ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilReachableAsync(CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        Exception? last = null;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync(ct).ConfigureAwait(false);
                await using var cmd = new NpgsqlCommand("select 1", conn);
                await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
            {
                last = ex;
                return false;
            }
        }, ReachableTimeout, () => $"PostgreSQL ({Kind}) to answer with '{Redact(AdminConnectionString)}' (last error: {last?.Message})",
            TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
    }

    private static string Redact(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(b.Password)) b.Password = "***";
        return b.ConnectionString;
    }
}
