using System.Net.Sockets;
using System.Text;
using Npgsql;
using Testcontainers.PostgreSql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>PostgreSQL in a Testcontainers <c>postgres:16-alpine</c> container, when a Docker engine answers.</summary>
internal static class DockerPostgres
{
    private const string SocketPath = "/var/run/docker.sock";

    public static async Task<bool> LooksReachableAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST"))) return true;
        if (!File.Exists(SocketPath)) return false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), timeout.Token).ConfigureAwait(false);
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

    public static async Task<(PostgreSqlContainer Container, string AdminConnectionString)> StartAsync(CancellationToken ct)
    {
        var container = new PostgreSqlBuilder("postgres:16-alpine")
            .WithDatabase("postgres")
            .WithUsername("postgres")
            .WithPassword("postgres")
            .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=500")
            .Build();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(3));
            await container.StartAsync(timeout.Token).ConfigureAwait(false);
            var admin = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres", IncludeErrorDetail = true };
            return (container, admin.ConnectionString);
        }
        catch
        {
            try { await container.DisposeAsync().ConfigureAwait(false); } catch { /* best effort */ }
            throw;
        }
    }
}
