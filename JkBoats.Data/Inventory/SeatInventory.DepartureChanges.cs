using Dapper;
using JkBoats.Data.Email;

namespace JkBoats.Data.Inventory;

/// <summary>Telling the passengers of an edited departure what changed for them: time, boat or destination, old and new.</summary>
public sealed partial class SeatInventory
{
    private static Task<DepartureFacts> PassengerFactsAsync(LockScope scope, Guid departureId)
    {
        const string sql = """
            select d.departure_time, b.name as boat_name, d.destination
            from departures d join boats b on b.id = d.boat_id
            where d.id = @departureId
            """;
        return scope.Connection.QuerySingleAsync<DepartureFacts>(scope.Command(sql, new { departureId }));
    }

    /// <summary>In the edit's transaction: one departure_changed row per confirmed booking when something a passenger sees changed
    /// (a price alone is not news: the booking keeps the price it was sold at).</summary>
    private async Task QueueDepartureChangedAsync(LockScope scope, Guid departureId, DepartureFacts before, string changedBy)
    {
        var after = await PassengerFactsAsync(scope, departureId);
        if (after == before)
        {
            return;
        }
        const string sql = $"select id from bookings where departure_id = @departureId and status = '{StatusSql.Confirmed}'";
        var bookings = (await scope.Connection.QueryAsync<Guid>(scope.Command(sql, new { departureId }))).AsList();
        await scope.QueueEmailsAsync(EmailKinds.DepartureChanged, bookings, new DepartureChangedPayload(departureId, before, after));
        var changes = new List<string>();
        if (after.DepartureTime != before.DepartureTime)
        {
            changes.Add($"time {Describe(before.Destination, before.DepartureTime)} → {Describe(after.Destination, after.DepartureTime)}");
        }
        if (after.BoatName != before.BoatName)
        {
            changes.Add($"boat {before.BoatName} → {after.BoatName}");
        }
        if (after.Destination != before.Destination)
        {
            changes.Add($"destination {before.Destination} → {after.Destination}");
        }
        await scope.RecordAsync(bookings, BookingEventKind.DepartureChanged, changedBy, "Departure changed: " + string.Join("; ", changes));
    }
}
