using Dapper;
using Npgsql;

namespace JkBoats.Data.Operations;

public sealed record DaySeats(DateOnly Day, int Seats, int Capacity);

public sealed record OutboxHealth(int Pending, int Sending, int Failed, int Sent, int Dead, DateTime? OldestUnsentAt)
{
    public int Unsent => Pending + Sending + Failed;
}

public sealed class DashboardRepository(NpgsqlDataSource db, OperatorCalendar calendar)
{
    public async Task<IReadOnlyList<DaySeats>> SeatsSoldPerDayAsync(int days, CancellationToken ct)
    {
        const string sql = $"""
            select (created_at at time zone @timeZone)::date as day, sum(seats_booked)::int as seats, 0 as capacity
            from bookings
            where status = '{StatusSql.Confirmed}' and created_at >= @fromUtc and created_at < @toUtc
            group by 1
            """;
        var first = calendar.Today.AddDays(1 - days);
        return await PerDayAsync(sql, first, days, ct);
    }

    public async Task<IReadOnlyList<DaySeats>> BookedAheadAsync(int days, CancellationToken ct)
    {
        const string sql = $"""
            select (d.departure_time at time zone @timeZone)::date as day,
                   coalesce(sum(d.capacity - d.available_seats), 0)::int as seats,
                   coalesce(sum(d.capacity), 0)::int as capacity
            from departures d
            where d.status = '{StatusSql.Scheduled}' and d.departure_time >= @fromUtc and d.departure_time < @toUtc
            group by 1
            """;
        return await PerDayAsync(sql, calendar.Today, days, ct);
    }

    private async Task<IReadOnlyList<DaySeats>> PerDayAsync(string sql, DateOnly first, int days, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<DayRow>(new CommandDefinition(sql, new
        {
            timeZone = calendar.TimeZone.Id,
            fromUtc = calendar.StartOfDayUtc(first),
            toUtc = calendar.StartOfDayUtc(first.AddDays(days)),
        }, cancellationToken: ct))).ToDictionary(r => r.Day);
        return Enumerable.Range(0, days)
            .Select(i => first.AddDays(i))
            .Select(day => rows.TryGetValue(day, out var row) ? new DaySeats(day, row.Seats, row.Capacity) : new DaySeats(day, 0, 0))
            .ToList();
    }

    public async Task<OutboxHealth> OutboxHealthAsync(CancellationToken ct)
    {
        const string sql = """
            select count(*) filter (where status = 'pending')::int as pending,
                   count(*) filter (where status = 'sending')::int as sending,
                   count(*) filter (where status = 'failed')::int as failed,
                   count(*) filter (where status = 'sent')::int as sent,
                   count(*) filter (where status = 'dead')::int as dead,
                   min(created_at) filter (where status in ('pending', 'sending', 'failed')) as oldest_unsent_at
            from email_outbox
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<OutboxHealth>(new CommandDefinition(sql, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<OutboxListRow>> OutboxRowsAsync(string[] statuses, int limit, CancellationToken ct)
    {
        const string sql = """
            select o.id, o.kind, o.booking_id, bk.confirmation_code, o.status, o.attempts, o.next_attempt_at, o.last_error,
                   o.sent_at, o.created_at
            from email_outbox o
            join bookings bk on bk.id = o.booking_id
            where o.status = any(@statuses)
            order by o.created_at
            limit @limit
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<OutboxListRow>(new CommandDefinition(sql, new { statuses, limit }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<SoldBooking>> BookingsMadeOnAsync(DateOnly day, int limit, CancellationToken ct)
    {
        const string sql = $"""
            select bk.id as booking_id, bk.confirmation_code, bk.seats_booked, bk.channel, bk.created_at,
                   d.departure_time, d.destination, b.name as boat_name
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            where bk.status = '{StatusSql.Confirmed}' and bk.created_at >= @fromUtc and bk.created_at < @toUtc
            order by bk.created_at desc
            limit @limit
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SoldBooking>(new CommandDefinition(sql, new
        {
            fromUtc = calendar.StartOfDayUtc(day), toUtc = calendar.StartOfDayUtc(day.AddDays(1)), limit,
        }, cancellationToken: ct))).AsList();
    }

    private sealed record DayRow(DateOnly Day, int Seats, int Capacity);
}

public sealed record SoldBooking(
    Guid BookingId, string ConfirmationCode, int SeatsBooked, string Channel, DateTime CreatedAt, DateTime DepartureTime, string Destination, string BoatName);

public sealed record OutboxListRow(
    Guid Id, string Kind, Guid BookingId, string ConfirmationCode, string Status, int Attempts, DateTime NextAttemptAt,
    string? LastError, DateTime? SentAt, DateTime CreatedAt);
