using Dapper;
using JkBoats.Data.Departures;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Data.Inventory;

/// <summary>The one runner for transactions that change seats: one lock wait budget shared by all attempts, retried whole on
/// deadlock, serialization failure, a unique violation (a concurrent twin or code collision) or an explicit
/// <see cref="LockScope.RetryAsync"/>, answered "busy" when the budget is spent or the database is unreachable. After a
/// commit it raises the availability signal (listing caches drop what they hold) and wakes the outbox worker.</summary>
public sealed class LockedTransaction(
    NpgsqlDataSource db, IOptions<JkBoatsOptions> options, TimeProvider clock, OpsMetrics metrics, AvailabilitySignal availability,
    OutboxSignal outbox, ILogger<LockedTransaction> log)
{
    private const int MaxUniqueViolationRetries = 5;

    /// <param name="startedAt">When the wait for this work began (a queued booking's arrival); now when null.</param>
    public async Task<T> RunAsync<T>(string operation, Func<LockScope, Task<T>> work, Func<T> busy, CancellationToken ct, long? startedAt = null)
    {
        var settings = options.Value;
        var started = startedAt ?? clock.GetTimestamp();
        var conflicts = 0;
        var collisions = 0;
        var retries = 0;
        while (true)
        {
            var lockBudget = settings.LockTimeout - clock.GetElapsedTime(started);
            if (lockBudget <= TimeSpan.Zero)
            {
                return Busy(operation, "lock wait budget spent", busy);
            }
            var timing = LockTiming.Begin();
            string retryReason;
            try
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                var scope = new LockScope(connection, tx, lockBudget, settings.StatementTimeout, ct);
                var result = await work(scope);
                metrics.Retries(operation, retries);
                if (scope.Committed)
                {
                    if (scope.LockedSeats)
                    {
                        availability.Raise();
                    }
                    if (scope.QueuedEmails)
                    {
                        outbox.Poke();
                    }
                }
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                if (++conflicts > settings.MaxTransactionRetries)
                {
                    return Busy(operation, e.SqlState, busy);
                }
                retryReason = RetryReason(e.SqlState);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * conflicts)), ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
            {
                // The lock wait budget is shared by all attempts: a stuck lock fails fast.
                if (clock.GetElapsedTime(started) >= settings.LockTimeout)
                {
                    return Busy(operation, e.SqlState, busy);
                }
                retryReason = RetryReason(e.SqlState);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && ++collisions <= MaxUniqueViolationRetries)
            {
                log.LogDebug("{Operation} retried after unique violation on {Constraint}", operation, e.ConstraintName);
                retryReason = RetryReason(e.SqlState);
            }
            catch (RetryTransactionException)
            {
                // The booking moved to another departure between reading where it was and locking it: another transaction committed,
                // so this is progress, not a conflict. Try again (with its new departure) while the lock-wait budget lasts.
                retryReason = "changed_meanwhile";
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10)), ct);
            }
            catch (NpgsqlException e) when (e.IsTransient && !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "{Operation} could not reach the database", operation);
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
            metrics.Retry(operation, retryReason);
            retries++;
        }
    }

    public static string RetryReason(string sqlState) => sqlState switch
    {
        PostgresErrorCodes.SerializationFailure => "serialization",
        PostgresErrorCodes.DeadlockDetected => "deadlock",
        PostgresErrorCodes.LockNotAvailable => "lock_timeout",
        PostgresErrorCodes.QueryCanceled => "statement_timeout",
        PostgresErrorCodes.UniqueViolation => "unique_violation",
        _ => sqlState,
    };

    private T Busy<T>(string operation, string reason, Func<T> busy)
    {
        log.LogWarning("{Operation} answered busy: {Reason}", operation, reason);
        return busy();
    }
}

/// <summary>One attempt of a <see cref="LockedTransaction"/>: its connection and transaction, the departure locks (taken with the
/// lock and statement timeouts in the same round trip) and the commit.</summary>
public sealed partial class LockScope
{
    /// <summary>Prefix for the first statement of an attempt that takes its locks in its own SQL.</summary>
    public const string SetTimeouts = SelectTimeouts + ";";

    private const string SelectTimeouts = "select set_config('lock_timeout', @LockTimeout, true) || set_config('statement_timeout', @StatementTimeout, true)";

    /// <summary><see cref="SetTimeouts"/>, and generic plans for the rest of the transaction: the booking batch's statements look rows up
    /// by key and unnest arrays, so one plan fits every batch, and PostgreSQL's default (a custom plan per execution, whenever its
    /// estimate beats the generic plan's) replanned every statement of every batch: 1.4 s of planning per 8 s at 16 clients on spread departures, 0.06 s with generic plans.</summary>
    public const string SetTimeoutsAndGenericPlans = SelectTimeouts + " || set_config('plan_cache_mode', 'force_generic_plan', true);";

    private readonly string _lockTimeout;
    private readonly string _statementTimeout;

    internal LockScope(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan lockBudget, TimeSpan statementTimeout, CancellationToken ct)
    {
        Connection = connection;
        Transaction = transaction;
        Cancellation = ct;
        _lockTimeout = $"{Math.Max(1, (int)lockBudget.TotalMilliseconds)}ms";
        _statementTimeout = StatementTimeoutWithin(lockBudget, statementTimeout);
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public CancellationToken Cancellation { get; }

    internal bool Committed { get; private set; }

    internal bool QueuedEmails { get; private set; }

    internal bool LockedSeats { get; private set; }

    /// <summary>lock_timeout counts each lock wait on its own, and a queued row lock is two waits (the tuple, then its holder):
    /// capping every statement by the remaining budget keeps a "busy" answer on time.</summary>
    public static string StatementTimeoutWithin(TimeSpan lockBudget, TimeSpan statementTimeout) =>
        $"{(int)Math.Min(statementTimeout.TotalMilliseconds, Math.Max(1, lockBudget.TotalMilliseconds) + 500)}ms";

    public DynamicParameters WithTimeouts(object parameters)
    {
        var all = new DynamicParameters(parameters);
        all.Add("LockTimeout", _lockTimeout);
        all.Add("StatementTimeout", _statementTimeout);
        return all;
    }

    public CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, Transaction, cancellationToken: Cancellation);

    /// <summary>Locks the departures in ascending id order (two transactions locking the same pair never wait in a cycle).</summary>
    public async Task<IReadOnlyList<LockedDeparture>> LockDeparturesAsync(params Guid[] ids)
    {
        const string sql = SetTimeouts + """

            select id, status, departure_time, capacity, available_seats, max_persons, available_persons, price_per_seat, boat_id,
                   held_seats, held_persons, destination
            from departures
            where id = any(@ids)
            order by id
            for no key update
            """;
        var waitStarted = LockTiming.StartWaiting();
        await using var results = await Connection.QueryMultipleAsync(Command(sql, WithTimeouts(new { ids })));
        await results.ReadAsync<string>();
        var rows = (await results.ReadAsync<LockedDeparture>()).AsList();
        DeparturesLocked(waitStarted);
        return rows;
    }

    /// <summary>Passengers of these bookings whose fare the target departure does not sell.</summary>
    public Task<int> FaresNotSoldAsync(IReadOnlyCollection<Guid> bookingIds, Guid targetDepartureId)
    {
        const string sql = """
            select count(*)::int
            from passengers p
            where p.booking_id = any(@ids)
              and not exists (
                  select 1 from departure_fares df join fare_types f on f.id = df.fare_type_id
                  where df.departure_id = @targetDepartureId and df.fare_type_id = p.fare_type_id and f.is_active)
            """;
        return Connection.ExecuteScalarAsync<int>(Command(sql, new { ids = bookingIds.ToArray(), targetDepartureId }));
    }

    /// <summary>Prices moved bookings' passengers at their new departure's fares; the total follows.</summary>
    public Task RepriceAsync(IReadOnlyCollection<Guid> bookingIds, Guid departureId)
    {
        const string sql = """
            update passengers p set price = df.price
            from departure_fares df
            where p.booking_id = any(@ids) and df.departure_id = @departureId and df.fare_type_id = p.fare_type_id;
            update bookings bk set total_price = (select coalesce(sum(p.price), 0) from passengers p where p.booking_id = bk.id)
            where bk.id = any(@ids);
            """;
        return Connection.ExecuteAsync(Command(sql, new { ids = bookingIds.ToArray(), departureId }));
    }

    public Task QueueEmailsAsync(string kind, IReadOnlyCollection<Guid> bookingIds) => QueueEmailsAsync<object>(kind, bookingIds, null);

    /// <summary>One outbox row per booking with an email address, each carrying the same payload (<see cref="OutboxPayload"/>).</summary>
    public Task QueueEmailsAsync<TPayload>(string kind, IReadOnlyCollection<Guid> bookingIds, TPayload? payload) where TPayload : class
    {
        const string sql = """
            insert into email_outbox (kind, booking_id, recipient, payload)
            select @kind, id, email, @payload::jsonb from bookings where id = any(@ids) and email is not null
            """;
        EmailsQueued();
        return Connection.ExecuteAsync(Command(sql, new { kind, ids = bookingIds.ToArray(), payload = payload is null ? null : OutboxPayload.Write(payload) }));
    }

    /// <summary>For SQL of this attempt that locks a departure itself.</summary>
    internal void DeparturesLocked(long waitStartedAt)
    {
        LockTiming.Acquired(waitStartedAt);
        LockedSeats = true;
    }

    /// <summary>For SQL of this attempt that inserts outbox rows itself.</summary>
    internal void EmailsQueued() => QueuedEmails = true;

    public async Task CommitAsync()
    {
        await Transaction.CommitAsync(Cancellation);
        Committed = true;
    }

    /// <summary>What was read before the locks changed meanwhile: roll back and run the whole attempt again.</summary>
    public static Task<T> RetryAsync<T>() => throw new RetryTransactionException();
}

public sealed record LockedDeparture(
    Guid Id, DepartureStatus Status, DateTime DepartureTime, int Capacity, int AvailableSeats, int MaxPersons, int AvailablePersons,
    decimal PricePerSeat, Guid BoatId, int HeldSeats, int HeldPersons, string Destination)
{
    /// <summary>Seats of confirmed bookings: neither on sale nor held for a waiting-list offer.</summary>
    public int BookedSeats => Capacity - AvailableSeats - HeldSeats;

    public int BookedPersons => MaxPersons - AvailablePersons - HeldPersons;

    public bool IsBookable(DateTime nowUtc) => Statuses.IsBookable(Status, DepartureTime, nowUtc);
}

internal sealed class RetryTransactionException : Exception;
