using Dapper;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Data;

/// <summary>
/// Runs a short write transaction that takes departure locks: lock and statement timeouts set inside it,
/// retried whole on deadlock or serialization failure, and answered "busy" when a lock stays taken.
/// </summary>
public sealed class LockedTransaction(
    NpgsqlDataSource db, IOptions<JkBoatsOptions> options, TimeProvider clock, OpsMetrics metrics, ILogger<LockedTransaction> log)
{
    public async Task<T> RunAsync<T>(string what, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, Func<T> busy, CancellationToken ct)
    {
        var settings = options.Value;
        var operation = OpsMetrics.OperationOf(what);
        var started = clock.GetTimestamp();
        var conflicts = 0;
        var retries = 0;
        while (true)
        {
            var lockTimeout = settings.LockTimeout - clock.GetElapsedTime(started);
            if (lockTimeout <= TimeSpan.Zero)
            {
                return Busy(what, "lock wait budget spent", busy);
            }
            var timing = LockTiming.Begin();
            try
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                await SetTimeoutsAsync(connection, tx, lockTimeout, settings.StatementTimeout, ct);
                var result = await work(connection, tx);
                metrics.Retries(operation, retries);
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                if (++conflicts > settings.MaxTransactionRetries)
                {
                    return Busy(what, e.SqlState, busy);
                }
                metrics.Retry(operation, RetryReason(e.SqlState));
                retries++;
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * conflicts)), ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
            {
                if (clock.GetElapsedTime(started) >= settings.LockTimeout)
                {
                    return Busy(what, e.SqlState, busy);
                }
                metrics.Retry(operation, RetryReason(e.SqlState));
                retries++;
            }
            catch (NpgsqlException e) when (e.IsTransient && !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "{What} could not reach the database", what);
                return busy();
            }
            finally
            {
                if (timing.Waited is { } waited)
                {
                    metrics.LockWait(operation, waited);
                    metrics.LockHeld(operation, timing.Held);
                }
            }
        }
    }

    public static string RetryReason(string sqlState) => sqlState switch
    {
        PostgresErrorCodes.SerializationFailure => "serialization",
        PostgresErrorCodes.DeadlockDetected => "deadlock",
        PostgresErrorCodes.LockNotAvailable => "lock_timeout",
        PostgresErrorCodes.QueryCanceled => "statement_timeout",
        "23505" => "unique_violation",
        _ => sqlState,
    };

    public static Task SetTimeoutsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TimeSpan lockTimeout, TimeSpan statementTimeout, CancellationToken ct)
    {
        const string sql = """
            select set_config('lock_timeout', @LockTimeout, true), set_config('statement_timeout', @StatementTimeout, true)
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            LockTimeout = $"{Math.Max(1, (int)lockTimeout.TotalMilliseconds)}ms",
            StatementTimeout = StatementTimeoutWithin(lockTimeout, statementTimeout),
        }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// lock_timeout counts each lock wait on its own, and a queued row lock is two waits (the tuple, then its holder):
    /// capping every statement by the remaining budget keeps a "busy" answer on time.
    /// </summary>
    public static string StatementTimeoutWithin(TimeSpan lockBudget, TimeSpan statementTimeout) =>
        $"{(int)Math.Min(statementTimeout.TotalMilliseconds, Math.Max(1, lockBudget.TotalMilliseconds) + 500)}ms";

    private T Busy<T>(string what, string reason, Func<T> busy)
    {
        log.LogWarning("{What} answered busy: {Reason}", what, reason);
        return busy();
    }
}
