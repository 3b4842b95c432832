using System.Data;
using Dapper;
using JkBoats.Data.Payments;
using Npgsql;

namespace JkBoats.Data.Till;

/// <summary>One payment method's money on a till: what was taken, what was given back, and what is left.</summary>
public sealed record TillMethodTotals(string Method, int Payments, decimal Taken, int Refunds, decimal Refunded)
{
    public decimal Net => Taken - Refunded;
}

public sealed record TillPaymentRow(
    Guid Id, DateTime CreatedAt, Guid BookingId, string ConfirmationCode, string Kind, string Method, decimal Amount, string? Note);

public sealed record TillClose(
    Guid Id, string StaffEmail, DateOnly BusinessDay, decimal ExpectedCash, decimal CountedCash, decimal Difference, string? Note,
    string ClosedBy, DateTime ClosedAt);

/// <summary>A staff member's till for one operator-local day: every method (cash, card, other, in that order, zero when unused), the
/// day's payment rows oldest first, and the closes recorded, latest first.</summary>
/// <param name="ExpectedCash">Cash payments less cash refunds: what the drawer should hold beyond its float (summed by the SQL a close uses).</param>
public sealed record TillDay(string StaffEmail, DateOnly Day, IReadOnlyList<TillMethodTotals> Methods, IReadOnlyList<TillPaymentRow> Payments,
    IReadOnlyList<TillClose> Closes, decimal ExpectedCash)
{
    public decimal Taken => Methods.Sum(m => m.Taken);

    public decimal Refunded => Methods.Sum(m => m.Refunded);

    public decimal Net => Taken - Refunded;

    public TillClose? LatestClose => Closes.Count > 0 ? Closes[0] : null;

    /// <summary>The latest close counted against another expected amount: money came in or went out after it.</summary>
    public bool ChangedSinceClose => LatestClose is { } close && close.ExpectedCash != ExpectedCash;
}

/// <summary>One line of the admins' day: a staff member who took or refunded money that day, or closed a till for it.</summary>
public sealed record TillAgentSummary(
    string StaffEmail, string? DisplayName, int Entries, decimal Taken, decimal Refunded, decimal ExpectedCash, int Closes,
    decimal? CountedCash, decimal? ClosedExpectedCash, decimal? Difference, DateTime? ClosedAt)
{
    public bool Closed => Closes > 0;

    public bool ChangedSinceClose => Closed && ClosedExpectedCash != ExpectedCash;
}

public sealed class TillRepository(NpgsqlDataSource db, OperatorCalendar calendar)
{
    /// <summary>The payments of one operator-local day, as the half-open UTC range [@fromUtc, @toUtc) of its midnights.</summary>
    private const string DayPayments = "p.created_at >= @fromUtc and p.created_at < @toUtc";

    private const string SignedCashAmount = $"case when p.kind = '{PaymentKind.Refund}' then -p.amount else p.amount end";

    /// <summary>Expected cash: cash payments less cash refunds. The float is not in it (the desk counts the drawer without its float).</summary>
    private const string ExpectedCashSum = $"coalesce(sum({SignedCashAmount}) filter (where p.method = '{PaymentMethod.Cash}'), 0)";

    private const string SameStaff = "lower(p.taken_by) = lower(@staffEmail)";

    private const string CloseColumns = "id, staff_email, business_day, expected_cash, counted_cash, difference, note, closed_by, closed_at";

    public async Task<TillDay> DayAsync(string staffEmail, DateOnly day, CancellationToken ct)
    {
        const string totals = $"""
            select p.method,
                   count(*) filter (where p.kind = '{PaymentKind.Payment}')::int as payments,
                   coalesce(sum(p.amount) filter (where p.kind = '{PaymentKind.Payment}'), 0) as taken,
                   count(*) filter (where p.kind = '{PaymentKind.Refund}')::int as refunds,
                   coalesce(sum(p.amount) filter (where p.kind = '{PaymentKind.Refund}'), 0) as refunded
            from payments p
            where {SameStaff} and {DayPayments}
            group by p.method
            """;
        const string rows = $"""
            select p.id, p.created_at, p.booking_id, bk.confirmation_code, p.kind, p.method, p.amount, p.note
            from payments p
            join bookings bk on bk.id = p.booking_id
            where {SameStaff} and {DayPayments}
            order by p.created_at, p.id
            """;
        const string expected = $"select {ExpectedCashSum} from payments p where {SameStaff} and {DayPayments}";
        const string closes = $"""
            select {CloseColumns}
            from till_closes
            where business_day = @day and lower(staff_email) = lower(@staffEmail)
            order by closed_at desc, id desc
            """;
        var parameters = DayParameters(day, staffEmail);
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot for the four reads, so the totals, the rows and the expected cash printed together always agree.
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var byMethod = (await connection.QueryAsync<TillMethodTotals>(new CommandDefinition(totals, parameters, snapshot, cancellationToken: ct)))
            .ToDictionary(t => t.Method);
        var payments = (await connection.QueryAsync<TillPaymentRow>(new CommandDefinition(rows, parameters, snapshot, cancellationToken: ct))).AsList();
        var recorded = (await connection.QueryAsync<TillClose>(new CommandDefinition(closes, parameters, snapshot, cancellationToken: ct))).AsList();
        var expectedCash = await connection.ExecuteScalarAsync<decimal>(new CommandDefinition(expected, parameters, snapshot, cancellationToken: ct));
        await snapshot.CommitAsync(ct);
        var methods = PaymentMethod.All.Select(m => byMethod.TryGetValue(m, out var t) ? t : new TillMethodTotals(m, 0, 0, 0, 0)).ToList();
        return new TillDay(staffEmail, day, methods, payments, recorded, expectedCash);
    }

    /// <summary>Records a close of the staff member's till for the day. The expected cash is summed in the same statement, so the
    /// difference is against the payments as they stand at that moment, never against a figure a form carried.</summary>
    public async Task<TillClose> CloseAsync(string staffEmail, DateOnly day, decimal countedCash, string? note, string closedBy, CancellationToken ct)
    {
        const string sql = $"""
            insert into till_closes (staff_email, business_day, expected_cash, counted_cash, note, closed_by)
            select @staffEmail, @day, {ExpectedCashSum}, @countedCash, @note, @closedBy
            from payments p
            where {SameStaff} and {DayPayments}
            returning {CloseColumns}
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<TillClose>(new CommandDefinition(sql, new
        {
            staffEmail, day, countedCash, note, closedBy,
            fromUtc = calendar.StartOfDayUtc(day), toUtc = calendar.StartOfDayUtc(day.AddDays(1)),
        }, cancellationToken: ct));
    }

    /// <summary>Every staff member who took or refunded money on the day or closed a till for it, with their latest close.</summary>
    public async Task<IReadOnlyList<TillAgentSummary>> DaySummaryAsync(DateOnly day, CancellationToken ct)
    {
        const string sql = $"""
            with taken as (
                select lower(p.taken_by) as who, min(p.taken_by) as staff_email, count(*)::int as entries,
                       coalesce(sum(p.amount) filter (where p.kind = '{PaymentKind.Payment}'), 0) as taken,
                       coalesce(sum(p.amount) filter (where p.kind = '{PaymentKind.Refund}'), 0) as refunded,
                       {ExpectedCashSum} as expected_cash
                from payments p
                where {DayPayments}
                group by lower(p.taken_by)
            ), closes as (
                select distinct on (lower(c.staff_email)) lower(c.staff_email) as who, c.staff_email, c.counted_cash,
                       c.expected_cash as closed_expected_cash, c.difference, c.closed_at,
                       count(*) over (partition by lower(c.staff_email))::int as closes
                from till_closes c
                where c.business_day = @day
                order by lower(c.staff_email), c.closed_at desc, c.id desc
            )
            select coalesce(s.email, t.staff_email, c.staff_email) as staff_email, s.display_name,
                   coalesce(t.entries, 0) as entries, coalesce(t.taken, 0) as taken, coalesce(t.refunded, 0) as refunded,
                   coalesce(t.expected_cash, 0) as expected_cash, coalesce(c.closes, 0) as closes,
                   c.counted_cash, c.closed_expected_cash, c.difference, c.closed_at
            from taken t
            full join closes c on c.who = t.who
            left join staff s on lower(s.email) = coalesce(t.who, c.who)
            order by lower(coalesce(s.display_name, t.staff_email, c.staff_email)), 1
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<TillAgentSummary>(new CommandDefinition(sql, DayParameters(day, null), cancellationToken: ct))).AsList();
    }

    private object DayParameters(DateOnly day, string? staffEmail) => new
    {
        staffEmail, day, fromUtc = calendar.StartOfDayUtc(day), toUtc = calendar.StartOfDayUtc(day.AddDays(1)),
    };
}
