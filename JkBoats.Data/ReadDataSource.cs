using System.Net.Sockets;
using Npgsql;

namespace JkBoats.Data;

/// <summary>Reads that may be a little behind (listings, find-my-booking) go to a replica when one is configured. An unreachable replica
/// is skipped for <see cref="RetryAfter"/> and reads fall back to the primary, so a replica outage makes listings no worse than none.</summary>
public sealed class ReadDataSource : IAsyncDisposable
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _primary;
    private readonly TimeProvider _clock;
    private long _replicaDownUntilTicks;

    public ReadDataSource(NpgsqlDataSource primary, NpgsqlDataSource? replica, TimeProvider? clock = null)
    {
        _primary = primary;
        Replica = replica;
        _clock = clock ?? TimeProvider.System;
    }

    public NpgsqlDataSource? Replica { get; }

    public bool HasReplica => Replica is not null;

    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    private long _fallbacks;

    /// <summary>A read that fails because the replica went away (on open or mid-query) runs again on the primary: reads are safe to repeat.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        var replica = Replica;
        if (replica is not null && _clock.GetUtcNow().UtcTicks >= Interlocked.Read(ref _replicaDownUntilTicks))
        {
            try
            {
                await using var connection = await replica.OpenConnectionAsync(ct);
                return await read(connection);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsUnreachable(e))
            {
                Interlocked.Exchange(ref _replicaDownUntilTicks, (_clock.GetUtcNow() + RetryAfter).UtcTicks);
                replica.Clear(); // idle connections to it are likely dead too
            }
        }
        if (replica is not null) Interlocked.Increment(ref _fallbacks);
        await using (var connection = await _primary.OpenConnectionAsync(ct))
        {
            return await read(connection);
        }
    }

    private static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState is "57P03" /* cannot connect now */ or "57P01" or "57P02" or "53300" /* too many connections */,
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        SocketException or TimeoutException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        // The primary belongs to the container; only a replica source made for this wrapper is disposed here.
        if (Replica is not null) await Replica.DisposeAsync();
    }
}
