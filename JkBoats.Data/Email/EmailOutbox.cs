using Dapper;
using Npgsql;

namespace JkBoats.Data.Email;

/// <summary>A claimed outbox row: about a booking (<see cref="BookingId"/>) or a waiting-list entry (<see cref="WaitlistEntryId"/>),
/// with the row's payload (JSON) when its kind carries one.</summary>
public sealed record ClaimedEmail(Guid Id, string Kind, Guid? BookingId, string Recipient, int Attempts, Guid? WaitlistEntryId, string? Payload);

public sealed record OutboxRow(
    Guid Id, string Kind, Guid? BookingId, string Recipient, string Status, int Attempts, DateTime NextAttemptAt,
    DateTime? ClaimedUntil, string? ClaimedBy, string? LastError, DateTime? SentAt, DateTime CreatedAt);

/// <summary>Rows are queued inside the transaction that needs them and claimed with a lease; a claim whose lease ran out (its
/// worker died) is due again, so every row is sent at least once.</summary>
public sealed class EmailOutbox(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<ClaimedEmail>> ClaimDueAsync(string workerId, int batchSize, TimeSpan lease, CancellationToken ct)
    {
        const string sql = """
            with due as (
                select id
                from email_outbox
                where (status in ('pending', 'failed') and next_attempt_at <= now())
                   or (status = 'sending' and claimed_until <= now())
                order by next_attempt_at
                limit @batchSize
                for no key update skip locked
            )
            update email_outbox o
            set status = 'sending', claimed_by = @workerId, claimed_until = now() + @lease,
                attempts = o.attempts + 1, updated_at = now()
            from due
            where o.id = due.id
            returning o.id, o.kind, o.booking_id, o.recipient, o.attempts, o.waitlist_entry_id, o.payload::text as payload
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ClaimedEmail>(new CommandDefinition(sql, new { workerId, batchSize, lease }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>False when the claim was lost (the lease ran out and another worker took the row).</summary>
    public async Task<bool> MarkSentAsync(Guid id, string workerId, CancellationToken ct)
    {
        // The booking's history gets the email in the same statement: it is in the history exactly when it counts as sent.
        const string sql = """
            with sent as (
                update email_outbox
                set status = 'sent', sent_at = now(), claimed_until = null, last_error = null, updated_at = now()
                where id = @id and claimed_by = @workerId and status = 'sending'
                returning booking_id, kind, recipient
            ), logged as (
                insert into booking_events (booking_id, kind, actor, summary)
                select booking_id, 'email_sent', 'system', 'Email sent: ' || replace(kind, '_', ' ') || ', to ' || recipient
                from sent where booking_id is not null
            )
            select count(*)::int from sent
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { id, workerId }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> MarkFailedAsync(Guid id, string workerId, string error, TimeSpan retryIn, CancellationToken ct)
    {
        const string sql = """
            update email_outbox
            set status = 'failed', next_attempt_at = now() + @retryIn, last_error = @error, claimed_until = null, updated_at = now()
            where id = @id and claimed_by = @workerId and status = 'sending'
            """;
        return await ExecuteAsync(sql, new { id, workerId, error = Truncate(error), retryIn }, ct) == 1;
    }

    public async Task<bool> MarkDeadAsync(Guid id, string workerId, string error, CancellationToken ct)
    {
        const string sql = """
            update email_outbox
            set status = 'dead', last_error = @error, claimed_until = null, updated_at = now()
            where id = @id and claimed_by = @workerId and status = 'sending'
            """;
        return await ExecuteAsync(sql, new { id, workerId, error = Truncate(error) }, ct) == 1;
    }

    /// <summary>Returns claimed but unsent rows to the queue at once, without counting the attempt (graceful shutdown).</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<Guid> ids, string workerId, CancellationToken ct)
    {
        const string sql = """
            update email_outbox
            set status = case when attempts > 1 then 'failed' else 'pending' end, attempts = attempts - 1,
                claimed_until = null, claimed_by = null, updated_at = now()
            where id = any(@ids) and claimed_by = @workerId and status = 'sending'
            """;
        await ExecuteAsync(sql, new { ids = ids.ToArray(), workerId }, ct);
    }

    public async Task<TimeSpan?> NextDueInAsync(CancellationToken ct)
    {
        const string sql = """
            select greatest(least(
                       (select min(next_attempt_at) from email_outbox where status in ('pending', 'failed')),
                       (select min(claimed_until) from email_outbox where status = 'sending')) - now(),
                   interval '0')
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<TimeSpan?>(new CommandDefinition(sql, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<OutboxRow>> ForBookingAsync(Guid bookingId, CancellationToken ct)
    {
        const string sql = """
            select id, kind, booking_id, recipient, status, attempts, next_attempt_at, claimed_until, claimed_by,
                   last_error, sent_at, created_at
            from email_outbox
            where booking_id = @bookingId
            order by created_at
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(sql, new { bookingId }, cancellationToken: ct));
        return rows.AsList();
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private static string Truncate(string error) => error.Length <= 1000 ? error : error[..1000];
}
