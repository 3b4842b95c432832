using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Operations;

public sealed record InvariantViolation(
    Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, int Capacity, int AvailableSeats, int ConfirmedSeats);

public sealed record InvariantCheck(DateTimeOffset CheckedAt, int DeparturesChecked, IReadOnlyList<InvariantViolation> Violations)
{
    public bool Holds => Violations.Count == 0;
}

/// <summary>Checks the seat invariant of <see cref="Inventory.SeatInventory"/> for departures from a day ago on; a violation is
/// logged as critical, counted, and shown as a red banner on the dashboard.</summary>
public sealed class SeatInvariantWatchdog(NpgsqlDataSource db, TimeProvider clock, OpsMetrics metrics, ILogger<SeatInvariantWatchdog> log)
{
    private static readonly TimeSpan LookBack = TimeSpan.FromDays(1);

    public InvariantCheck? Last { get; private set; }

    public async Task<InvariantCheck> CheckAsync(CancellationToken ct)
    {
        // One statement: its snapshot sees every booking transaction either whole or not at all.
        const string sql = $"""
            with seats as (
                select d.id as departure_id, d.departure_time, d.destination, b.name as boat_name, d.capacity, d.available_seats,
                       coalesce(sum(bk.seats_booked) filter (where bk.status = '{StatusSql.Confirmed}'), 0)::int as confirmed_seats
                from departures d
                join boats b on b.id = d.boat_id
                left join bookings bk on bk.departure_id = d.id
                where d.departure_time >= @since
                group by d.id, b.name
            )
            select departure_id, departure_time, destination, boat_name, capacity, available_seats, confirmed_seats
            from seats
            order by departure_time
            """;
        var checkedAt = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<SeatRow>(new CommandDefinition(
            sql, new { since = checkedAt.UtcDateTime - LookBack }, cancellationToken: ct))).AsList();

        var violations = rows
            .Where(r => r.AvailableSeats + r.ConfirmedSeats != r.Capacity || r.AvailableSeats < 0 || r.AvailableSeats > r.Capacity)
            .Select(r => new InvariantViolation(r.DepartureId, r.DepartureTime, r.Destination, r.BoatName, r.Capacity, r.AvailableSeats, r.ConfirmedSeats))
            .ToList();
        foreach (var v in violations)
        {
            log.LogCritical(
                "Seat invariant broken on departure {DepartureId}: capacity {Capacity}, available {AvailableSeats}, confirmed {ConfirmedSeats} (difference {Difference})",
                v.DepartureId, v.Capacity, v.AvailableSeats, v.ConfirmedSeats, v.Capacity - v.AvailableSeats - v.ConfirmedSeats);
        }
        var check = new InvariantCheck(checkedAt, rows.Count, violations);
        metrics.InvariantChecked(violations.Count, checkedAt);
        Last = check;
        return check;
    }

    private sealed record SeatRow(
        Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, int Capacity, int AvailableSeats, int ConfirmedSeats);
}
