using Dapper;
using Npgsql;

namespace JkBoats.Data.Payments;

public sealed record PaymentRow(Guid Id, string Kind, string Method, decimal Amount, string TakenBy, string? Note, DateTime CreatedAt);

public sealed record HistoryRow(long Id, string Kind, string Actor, string Summary, DateTime CreatedAt);

/// <summary>Reads of the money and the history of bookings (the writes are <see cref="Inventory.SeatInventory"/>'s, under its locks).</summary>
public sealed class PaymentRepository(NpgsqlDataSource db)
{
    /// <summary>What each booking of <c>@ids</c> costs (nothing once cancelled), was paid and was refunded; a booking without payments
    /// is in it too (paid 0). The one definition of a balance: the inventory reads it under the booking's lock.</summary>
    internal const string BalanceSql = $"""
        select bk.id as booking_id,
               case when bk.status = '{StatusSql.Confirmed}' then bk.total_price else 0 end as due,
               coalesce(sum(p.amount) filter (where p.kind = 'payment'), 0) as paid,
               coalesce(sum(p.amount) filter (where p.kind = 'refund'), 0) as refunded
        from bookings bk
        left join payments p on p.booking_id = bk.id
        where bk.id = any(@ids)
        group by bk.id
        """;

    public async Task<Balance?> BalanceAsync(Guid bookingId, CancellationToken ct) =>
        (await BalancesAsync([bookingId], ct)).GetValueOrDefault(bookingId);

    public async Task<IReadOnlyDictionary<Guid, Balance>> BalancesAsync(IReadOnlyCollection<Guid> bookingIds, CancellationToken ct)
    {
        if (bookingIds.Count == 0)
        {
            return new Dictionary<Guid, Balance>();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid BookingId, decimal Due, decimal Paid, decimal Refunded)>(
            new CommandDefinition(BalanceSql, new { ids = bookingIds.Distinct().ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.BookingId, r => new Balance(r.Due, r.Paid, r.Refunded));
    }

    public async Task<IReadOnlyList<PaymentRow>> PaymentsAsync(Guid bookingId, CancellationToken ct)
    {
        const string sql = """
            select id, kind, method, amount, taken_by, note, created_at from payments where booking_id = @bookingId order by created_at, id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PaymentRow>(new CommandDefinition(sql, new { bookingId }, cancellationToken: ct))).AsList();
    }

    /// <summary>The booking's history, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryRow>> HistoryAsync(Guid bookingId, CancellationToken ct)
    {
        const string sql = "select id, kind, actor, summary, created_at from booking_events where booking_id = @bookingId order by id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<HistoryRow>(new CommandDefinition(sql, new { bookingId }, cancellationToken: ct))).AsList();
    }
}
