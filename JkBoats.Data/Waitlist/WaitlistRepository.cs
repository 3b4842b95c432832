using Dapper;
using JkBoats.Data.Inventory;
using Npgsql;

namespace JkBoats.Data.Waitlist;

/// <summary>One waiting-list entry as its owner and the desk see it; <see cref="Position"/> counts the open entries that joined
/// before it, itself included (0 once it is no longer waiting); <see cref="Language"/> is the one it was made in, for its emails.</summary>
public sealed record WaitlistEntry(
    Guid Id, Guid DepartureId, string Destination, DateTime DepartureTime, string BoatName, string FullName, string Email, string Phone,
    int Seats, int Persons, WaitlistStatus Status, DateTime? OfferedAt, DateTime? HoldExpiresAt, Guid? BookingId, string? RemovedBy,
    DateTime CreatedAt, int Position, string? Party, string Language = "en");

/// <summary>Reads of waiting lists (changes go through <see cref="SeatInventory"/> under the departure's lock), from the primary:
/// an entry is read right after it changed.</summary>
public sealed class WaitlistRepository(NpgsqlDataSource db)
{
    private const string EntrySql = """
        select w.id, w.departure_id, d.destination, d.departure_time, b.name as boat_name, w.full_name, w.email, w.phone,
               w.seats, w.persons, w.status, w.offered_at, w.hold_expires_at, w.booking_id, w.removed_by, w.created_at,
               case when w.status in ('waiting', 'offered') then (
                   select count(*)::int from waitlist_entries o
                   where o.departure_id = w.departure_id and o.status in ('waiting', 'offered')
                     and (o.created_at, o.id) <= (w.created_at, w.id)) else 0 end as position,
               (select string_agg(f.name || ' × ' || wf.count, ', ' order by f.sort_order)
                from waitlist_fares wf join fare_types f on f.id = wf.fare_type_id where wf.entry_id = w.id) as party,
               w.language
        from waitlist_entries w
        join departures d on d.id = w.departure_id
        join boats b on b.id = d.boat_id
        """;

    public async Task<WaitlistEntry?> GetAsync(Guid entryId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WaitlistEntry>(new CommandDefinition(
            EntrySql + " where w.id = @entryId", new { entryId }, cancellationToken: ct));
    }

    /// <summary>The departure's list for the desk: open entries first in queue order, then the rest, latest first.</summary>
    public async Task<IReadOnlyList<WaitlistEntry>> ForDepartureAsync(Guid departureId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<WaitlistEntry>(new CommandDefinition(
            EntrySql + """
                 where w.departure_id = @departureId
                order by (w.status in ('waiting', 'offered')) desc,
                         case when w.status in ('waiting', 'offered') then w.created_at end, w.updated_at desc
                """, new { departureId }, cancellationToken: ct))).AsList();
    }
}
