using System.Net.Sockets;
using Npgsql;

namespace JkBoats.Data;

/// <summary>
/// Where listing and look-up reads go: a PostgreSQL streaming replica when <c>ConnectionStrings__JkBoatsReplica</c> is
/// set, otherwise the primary. Only reads that may be a little behind use it (the find-a-trip listings, a departure's
/// public page and seat counts, destinations, find-my-booking); bookings, anything under a lock, staff pages, the
/// outbox and migrations always use the primary <see cref="NpgsqlDataSource"/>.
/// When the replica cannot be reached, reads fall back to the primary and the replica is not tried again for
/// <see cref="RetryAfter"/>, so a replica outage makes listings no worse than without one.
/// </summary>
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

    /// <summary>The replica's data source, or null when reads go to the primary.</summary>
    public NpgsqlDataSource? Replica { get; }

    public bool HasReplica => Replica is not null;

    /// <summary>Reads served by the primary because the replica could not be reached (since start).</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    private long _fallbacks;

    /// <summary>
    /// Runs a read on the replica (or the primary when there is none or it is down). A read that fails because the
    /// replica cannot be reached, when opening or in the middle (a pooled connection to a replica that went away), runs
    /// again on the primary: reads are safe to repeat.
    /// </summary>
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
