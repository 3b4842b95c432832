using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Operations;

public sealed record InvariantViolation(
    Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, int Capacity, int AvailableSeats, int ConfirmedSeats)
{
    public int MaxPersons { get; init; }

    public int AvailablePersons { get; init; }

    public int ConfirmedPersons { get; init; }

    /// <summary>Confirmed bookings on the departure whose passenger list disagrees with their seat or person count.</summary>
    public int BookingsOutOfStep { get; init; }

    /// <summary>Seats held for waiting-list offers, as the departure counts them and as its offered entries add up.</summary>
    public int HeldSeats { get; init; }

    public int OfferedSeats { get; init; }

    /// <summary>Weather choices still open for a booking that is no longer confirmed on the cancelled departure.</summary>
    public int ChoicesOutOfStep { get; init; }

    /// <summary>Bookings on the departure with more refunded than paid, or a payment or refund without its history line.</summary>
    public int MoneyOutOfStep { get; init; }
}

public sealed record InvariantCheck(DateTimeOffset CheckedAt, int DeparturesChecked, IReadOnlyList<InvariantViolation> Violations)
{
    public bool Holds => Violations.Count == 0;
}

/// <summary>Checks the seat and persons invariants (available + held + confirmed = capacity, held = what the offered waiting-list entries hold) (and that each confirmed booking's passengers match its counts) of <see cref="Inventory.SeatInventory"/> for departures from a day ago on; a violation is
/// logged as critical, counted, and shown as a red banner on the dashboard.</summary>
public sealed class SeatInvariantWatchdog(NpgsqlDataSource db, TimeProvider clock, OpsMetrics metrics, ILogger<SeatInvariantWatchdog> log)
{
    private static readonly TimeSpan LookBack = TimeSpan.FromDays(1);

    public InvariantCheck? Last { get; private set; }

    public async Task<InvariantCheck> CheckAsync(CancellationToken ct)
    {
        // One statement: its snapshot sees every booking transaction either whole or not at all.
        const string sql = $"""
            with passenger_counts as (
                select p.booking_id, count(*) filter (where p.takes_seat)::int as seats, count(*)::int as persons
                from passengers p
                join bookings bk on bk.id = p.booking_id
                join departures d on d.id = bk.departure_id
                where d.departure_time >= @since and bk.status = '{StatusSql.Confirmed}'
                group by p.booking_id
            ), holds as (
                select w.departure_id, sum(w.seats)::int as seats, sum(w.persons)::int as persons
                from waitlist_entries w
                join departures d on d.id = w.departure_id
                where d.departure_time >= @since and w.status = 'offered'
                group by w.departure_id
            ), choices as (
                select p.departure_id, count(*)::int as out_of_step
                from weather_choices c
                join weather_plans p on p.id = c.plan_id
                join bookings bk on bk.id = c.booking_id
                where c.state = 'waiting' and (bk.status <> '{StatusSql.Confirmed}' or bk.departure_id <> p.departure_id)
                group by p.departure_id
            ), money as (
                select bk.departure_id, count(*)::int as out_of_step
                from bookings bk
                join departures d on d.id = bk.departure_id
                join lateral (
                    select coalesce(sum(p.amount) filter (where p.kind = 'refund'), 0) - coalesce(sum(p.amount) filter (where p.kind = 'payment'), 0) as over,
                           count(*) as money_rows
                    from payments p where p.booking_id = bk.id
                ) m on true
                where d.departure_time >= @since
                  and (m.over > 0 or m.money_rows <> (select count(*) from booking_events e where e.booking_id = bk.id and e.kind in ('paid', 'refunded')))
                group by bk.departure_id
            ), seats as (
                select d.id as departure_id, d.departure_time, d.destination, b.name as boat_name, d.capacity, d.available_seats,
                       d.max_persons, d.available_persons, d.held_seats, d.held_persons,
                       coalesce(sum(bk.seats_booked) filter (where bk.status = '{StatusSql.Confirmed}'), 0)::int as confirmed_seats,
                       coalesce(sum(bk.persons) filter (where bk.status = '{StatusSql.Confirmed}'), 0)::int as confirmed_persons,
                       count(*) filter (where bk.status = '{StatusSql.Confirmed}'
                           and (pc.booking_id is null or pc.seats <> bk.seats_booked or pc.persons <> bk.persons))::int as bookings_out_of_step
                from departures d
                join boats b on b.id = d.boat_id
                left join bookings bk on bk.departure_id = d.id
                left join passenger_counts pc on pc.booking_id = bk.id
                where d.departure_time >= @since
                group by d.id, b.name
            )
            select s.departure_id, s.departure_time, s.destination, s.boat_name, s.capacity, s.available_seats, s.confirmed_seats,
                   s.max_persons, s.available_persons, s.confirmed_persons, s.bookings_out_of_step,
                   s.held_seats, s.held_persons, coalesce(h.seats, 0) as offered_seats, coalesce(h.persons, 0) as offered_persons,
                   coalesce(c.out_of_step, 0) as choices_out_of_step, coalesce(m.out_of_step, 0) as money_out_of_step
            from seats s
            left join holds h on h.departure_id = s.departure_id
            left join choices c on c.departure_id = s.departure_id
            left join money m on m.departure_id = s.departure_id
            order by s.departure_time
            """;
        var checkedAt = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<SeatRow>(new CommandDefinition(
            sql, new { since = checkedAt.UtcDateTime - LookBack }, cancellationToken: ct))).AsList();

        var violations = rows
            .Where(r => r.AvailableSeats + r.HeldSeats + r.ConfirmedSeats != r.Capacity || r.AvailableSeats < 0 || r.AvailableSeats > r.Capacity
                || r.AvailablePersons + r.HeldPersons + r.ConfirmedPersons != r.MaxPersons || r.AvailablePersons < 0 || r.ConfirmedPersons > r.MaxPersons
                || r.HeldSeats != r.OfferedSeats || r.HeldPersons != r.OfferedPersons || r.BookingsOutOfStep > 0 || r.ChoicesOutOfStep > 0
                || r.MoneyOutOfStep > 0)
            .Select(r => new InvariantViolation(r.DepartureId, r.DepartureTime, r.Destination, r.BoatName, r.Capacity, r.AvailableSeats, r.ConfirmedSeats)
            {
                MaxPersons = r.MaxPersons, AvailablePersons = r.AvailablePersons, ConfirmedPersons = r.ConfirmedPersons, BookingsOutOfStep = r.BookingsOutOfStep,
                HeldSeats = r.HeldSeats, OfferedSeats = r.OfferedSeats, ChoicesOutOfStep = r.ChoicesOutOfStep,
                MoneyOutOfStep = r.MoneyOutOfStep,
            })
            .ToList();
        foreach (var v in violations)
        {
            log.LogCritical(
                "Seat invariant broken on departure {DepartureId}: capacity {Capacity}, available {AvailableSeats}, confirmed {ConfirmedSeats} (difference {Difference}); " +
                "max persons {MaxPersons}, persons available {AvailablePersons}, confirmed {ConfirmedPersons}; {BookingsOutOfStep} bookings disagree with their passengers; " +
                "held {HeldSeats}, offered to the waiting list {OfferedSeats}; {ChoicesOutOfStep} weather choices open for bookings gone elsewhere; " +
                "{MoneyOutOfStep} bookings refunded more than paid or with money missing from their history",
                v.DepartureId, v.Capacity, v.AvailableSeats, v.ConfirmedSeats, v.Capacity - v.AvailableSeats - v.HeldSeats - v.ConfirmedSeats,
                v.MaxPersons, v.AvailablePersons, v.ConfirmedPersons, v.BookingsOutOfStep, v.HeldSeats, v.OfferedSeats, v.ChoicesOutOfStep, v.MoneyOutOfStep);
        }
        var check = new InvariantCheck(checkedAt, rows.Count, violations);
        metrics.InvariantChecked(violations.Count, checkedAt);
        Last = check;
        return check;
    }

    private sealed record SeatRow(
        Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, int Capacity, int AvailableSeats, int ConfirmedSeats,
        int MaxPersons, int AvailablePersons, int ConfirmedPersons, int BookingsOutOfStep, int HeldSeats, int HeldPersons, int OfferedSeats,
        int OfferedPersons, int ChoicesOutOfStep, int MoneyOutOfStep);
}
