using Dapper;
using JkBoats.Data.Payments;
using Npgsql;

namespace JkBoats.Data.Reports;

/// <summary>A period of the operator's calendar, both ends included.</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
}

/// <summary>What one group of departures sold: revenue, bookings, seats and persons of confirmed bookings, and the cancelled bookings.</summary>
public sealed record ReportFigures(decimal Revenue, int Bookings, int Seats, int Persons, int Cancelled)
{
    public static readonly ReportFigures None = new(0, 0, 0, 0, 0);
}

public sealed record ReportLine(string Key, string Name, ReportFigures Figures);

public sealed record SalesReport(
    ReportPeriod Period, IReadOnlyList<(DateOnly Day, ReportFigures Figures)> Days, IReadOnlyList<ReportLine> Destinations,
    IReadOnlyList<ReportLine> Boats, IReadOnlyList<ReportLine> Fares, ReportFigures Totals);

public sealed record OccupancyRow(
    Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, DepartureStatus Status, int SeatsSold, int Capacity,
    int Persons, int MaxPersons)
{
    public double? SeatPercent => Capacity == 0 ? null : 100.0 * SeatsSold / Capacity;

    public double? PersonPercent => MaxPersons == 0 ? null : 100.0 * Persons / MaxPersons;
}

public sealed record CollectedRow(DateOnly Day, string Method, decimal Payments, decimal Refunds)
{
    public decimal Net => Payments - Refunds;
}

/// <summary>Sales over a period, counted by the departure's local date: a booking belongs to the day its boat leaves, not the day it was made.</summary>
public sealed class ReportRepository(NpgsqlDataSource db, OperatorCalendar calendar)
{
    public const int MaxDays = 366;

    public async Task<SalesReport> SalesAsync(ReportPeriod period, CancellationToken ct)
    {
        // One pass over the period's passengers, grouped four ways. Revenue, seats and persons come from the passengers of confirmed
        // bookings only; a cancelled booking is counted once, as cancelled.
        const string sql = $"""
            with scope as (
                select (d.departure_time at time zone @timeZone)::date as day, d.destination, b.id as boat_id, b.name as boat_name,
                       bk.id as booking_id, bk.status = '{StatusSql.Confirmed}' as confirmed, bk.status = '{StatusSql.Cancelled}' as cancelled,
                       p.id as passenger_id, p.takes_seat, p.price, f.id as fare_id, f.name as fare_name, f.sort_order as fare_order
                from departures d
                join boats b on b.id = d.boat_id
                left join bookings bk on bk.departure_id = d.id
                left join passengers p on p.booking_id = bk.id
                left join fare_types f on f.id = p.fare_type_id
                where d.departure_time >= @fromUtc and d.departure_time < @toUtc
            )
            select case when grouping(day) = 0 then 'day' when grouping(destination) = 0 then 'destination'
                        when grouping(boat_id) = 0 then 'boat' else 'fare' end as breakdown,
                   day, destination, boat_id, boat_name, fare_id, fare_name, fare_order,
                   coalesce(sum(price) filter (where confirmed), 0) as revenue,
                   count(distinct booking_id) filter (where confirmed)::int as bookings,
                   count(passenger_id) filter (where confirmed and takes_seat)::int as seats,
                   count(passenger_id) filter (where confirmed)::int as persons,
                   count(distinct booking_id) filter (where cancelled)::int as cancelled
            from scope
            group by grouping sets ((day), (destination), (boat_id, boat_name), (fare_id, fare_name, fare_order))
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<SalesRow>(new CommandDefinition(sql, Window(period), cancellationToken: ct))).AsList();
        var byDay = rows.Where(r => r.Breakdown == "day").ToDictionary(r => r.Day!.Value, r => r.Figures);
        var days = Enumerable.Range(0, period.Days).Select(i => period.From.AddDays(i))
            .Select(day => (day, byDay.GetValueOrDefault(day, ReportFigures.None))).ToList();
        var totals = new ReportFigures(days.Sum(d => d.Item2.Revenue), days.Sum(d => d.Item2.Bookings), days.Sum(d => d.Item2.Seats),
            days.Sum(d => d.Item2.Persons), days.Sum(d => d.Item2.Cancelled));
        return new SalesReport(period, days,
            Lines(rows, "destination", r => r.Destination!, r => r.Destination!),
            Lines(rows, "boat", r => r.BoatId!.Value.ToString(), r => r.BoatName!),
            rows.Where(r => r.Breakdown == "fare" && r.FareId is not null).OrderBy(r => r.FareOrder).ThenBy(r => r.FareName)
                .Select(r => new ReportLine(r.FareId!.Value.ToString(), r.FareName!, r.Figures)).ToList(),
            totals);
    }

    private static List<ReportLine> Lines(IEnumerable<SalesRow> rows, string breakdown, Func<SalesRow, string> key, Func<SalesRow, string> name) =>
        rows.Where(r => r.Breakdown == breakdown)
            .Select(r => new ReportLine(key(r), name(r), r.Figures))
            .OrderByDescending(l => l.Figures.Revenue).ThenBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ToList();

    public async Task<(IReadOnlyList<OccupancyRow> Rows, int Total)> OccupancyAsync(ReportPeriod period, int offset, int limit, CancellationToken ct)
    {
        const string sql = $"""
            select d.id as departure_id, d.departure_time, d.destination, b.name as boat_name, d.status,
                   coalesce(sum(bk.seats_booked), 0)::int as seats_sold, d.capacity,
                   coalesce(sum(bk.persons), 0)::int as persons, d.max_persons,
                   count(*) over ()::int as total
            from departures d
            join boats b on b.id = d.boat_id
            left join bookings bk on bk.departure_id = d.id and bk.status = '{StatusSql.Confirmed}'
            where d.departure_time >= @fromUtc and d.departure_time < @toUtc
            group by d.id, b.name
            order by d.departure_time, b.name, d.id
            offset @offset limit @limit
            """;
        var parameters = new DynamicParameters(Window(period));
        parameters.Add("offset", offset);
        parameters.Add("limit", limit);
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<OccupancyDbRow>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
        var total = rows.Count > 0 ? rows[0].Total : offset == 0 ? 0 : await CountDeparturesAsync(connection, period, ct);
        return (rows.Select(r => new OccupancyRow(r.DepartureId, r.DepartureTime, r.Destination, r.BoatName, r.Status, r.SeatsSold, r.Capacity,
            r.Persons, r.MaxPersons)).ToList(), total);
    }

    private async Task<int> CountDeparturesAsync(NpgsqlConnection connection, ReportPeriod period, CancellationToken ct)
    {
        const string sql = "select count(*)::int from departures where departure_time >= @fromUtc and departure_time < @toUtc";
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, Window(period), cancellationToken: ct));
    }

    /// <summary>Money taken at the desk by the local day it was taken and by method, refunds counted against it.</summary>
    public async Task<IReadOnlyList<CollectedRow>> CollectedAsync(ReportPeriod period, CancellationToken ct)
    {
        const string sql = $"""
            select (created_at at time zone @timeZone)::date as day, method,
                   coalesce(sum(amount) filter (where kind = '{PaymentKind.Payment}'), 0) as payments,
                   coalesce(sum(amount) filter (where kind = '{PaymentKind.Refund}'), 0) as refunds
            from payments
            where created_at >= @fromUtc and created_at < @toUtc
            group by 1, 2
            order by 1, 2
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CollectedRow>(new CommandDefinition(sql, Window(period), cancellationToken: ct))).AsList();
    }

    private object Window(ReportPeriod period) => new
    {
        timeZone = calendar.TimeZone.Id,
        fromUtc = calendar.StartOfDayUtc(period.From),
        toUtc = calendar.StartOfDayUtc(period.To.AddDays(1)),
    };

    private sealed record SalesRow(
        string Breakdown, DateOnly? Day, string? Destination, Guid? BoatId, string? BoatName, Guid? FareId, string? FareName, int? FareOrder,
        decimal Revenue, int Bookings, int Seats, int Persons, int Cancelled)
    {
        public ReportFigures Figures => new(Revenue, Bookings, Seats, Persons, Cancelled);
    }

    private sealed record OccupancyDbRow(
        Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, DepartureStatus Status, int SeatsSold, int Capacity,
        int Persons, int MaxPersons, int Total);
}
