using Dapper;
using Npgsql;

namespace JkBoats.Data.Email;

/// <summary>Queues the day-before reminders: one outbox row per confirmed booking (with an email address) whose departure is within
/// the lead time and still ahead. Every instance may sweep at any time: the unique index ux_email_outbox_reminder_once (booking,
/// departure time) and <c>on conflict do nothing</c> keep it to one row, even when two sweeps run at the same moment.</summary>
public sealed class ReminderQueue(NpgsqlDataSource db, OutboxSignal signal)
{
    /// <summary>Returns how many reminders this sweep queued (0 when others had queued them already).</summary>
    public async Task<int> QueueDueAsync(TimeSpan lead, CancellationToken ct)
    {
        const string sql = $$"""
            insert into email_outbox (kind, booking_id, recipient, payload)
            select '{{EmailKinds.BookingReminder}}', bk.id, bk.email,
                   jsonb_build_object('departure_time', to_char(d.departure_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
            from departures d
            join bookings bk on bk.departure_id = d.id
            where d.status = '{{StatusSql.Scheduled}}' and d.departure_time > now() and d.departure_time <= now() + @lead
              and bk.status = '{{StatusSql.Confirmed}}' and bk.email is not null
            on conflict (booking_id, (payload ->> 'departure_time')) where kind = '{{EmailKinds.BookingReminder}}' do nothing
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        var queued = await connection.ExecuteAsync(new CommandDefinition(sql, new { lead }, cancellationToken: ct));
        if (queued > 0)
        {
            signal.Poke();
        }
        return queued;
    }
}
