using Dapper;
using JkBoats.Data.Departures;
using JkBoats.Data.Inventory;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Schedule;

public sealed record BoatRow(Guid Id, string Name, int Capacity, int MaxPersons, bool HasAc, DateTime? RetiredAt, long UpcomingDepartures);

public sealed record RecurringPlan(Guid BoatId, string Destination, decimal PricePerSeat, DateOnly From, DateOnly To, IReadOnlySet<DayOfWeek> Days, IReadOnlyList<TimeOnly> Times);

public sealed record PlannedDeparture(DateTime LocalTime, DateTime DepartureTimeUtc, bool AlreadyExists);

/// <summary>Boats and new departures, for admins. Changes to the seats of existing departures are <see cref="SeatInventory"/>'s.</summary>
public sealed class ScheduleRepository(NpgsqlDataSource db, OperatorCalendar calendar, AvailabilitySignal availability, ILogger<ScheduleRepository> log)
{
    public const int MaxPlannedDepartures = 1000;

    public async Task<IReadOnlyList<BoatRow>> ListBoatsAsync(CancellationToken ct)
    {
        const string sql = $"""
            select b.id, b.name, b.capacity, b.max_persons, b.has_ac, b.retired_at,
                   (select count(*) from departures d where d.boat_id = b.id and d.departure_time >= now() and d.status = '{StatusSql.Scheduled}') as upcoming_departures
            from boats b
            order by b.retired_at is not null, b.name
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BoatRow>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<Guid?> BoatOfAsync(Guid departureId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select boat_id from departures where id = @departureId", new { departureId }, cancellationToken: ct));
    }

    public async Task<Guid> CreateBoatAsync(string name, int capacity, int maxPersons, bool hasAc, CancellationToken ct)
    {
        const string sql = "insert into boats (name, capacity, max_persons, has_ac) values (@name, @capacity, @maxPersons, @hasAc) returning id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(sql, new { name, capacity, maxPersons, hasAc }, cancellationToken: ct));
    }

    /// <summary>Changes a boat's details. Departures already scheduled keep their own capacity.</summary>
    public async Task<bool> UpdateBoatAsync(Guid id, string name, int capacity, int maxPersons, bool hasAc, CancellationToken ct)
    {
        const string sql = "update boats set name = @name, capacity = @capacity, max_persons = @maxPersons, has_ac = @hasAc, updated_at = now() where id = @id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, name, capacity, maxPersons, hasAc }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> SetRetiredAsync(Guid id, bool retired, CancellationToken ct)
    {
        const string sql = "update boats set retired_at = case when @retired then coalesce(retired_at, now()) end, updated_at = now() where id = @id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, retired }, cancellationToken: ct)) == 1;
    }

    public async Task<ScheduleOutcome> CreateDepartureAsync(Guid boatId, DateTime departureTimeUtc, string destination, decimal price, CancellationToken ct)
    {
        const string sql = """
            insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
            select b.id, @departureTimeUtc, @destination, @price, b.capacity, b.capacity
            from boats b where b.id = @boatId and b.retired_at is null
            on conflict (boat_id, departure_time) do nothing
            returning id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await BoatIsActiveAsync(connection, boatId, ct))
        {
            return new ScheduleOutcome(ScheduleResult.BoatUnavailable);
        }
        var id = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, new { boatId, departureTimeUtc, destination, price }, cancellationToken: ct));
        availability.Raise();
        return id is null ? new ScheduleOutcome(ScheduleResult.Duplicate) : new ScheduleOutcome(ScheduleResult.Done, 1, Id: id);
    }

    public async Task<IReadOnlyList<PlannedDeparture>> PreviewAsync(RecurringPlan plan, CancellationToken ct)
    {
        var planned = new List<(DateTime Local, DateTime Utc)>();
        for (var day = plan.From; day <= plan.To && planned.Count <= MaxPlannedDepartures; day = day.AddDays(1))
        {
            if (!plan.Days.Contains(day.DayOfWeek))
            {
                continue;
            }
            foreach (var time in plan.Times.Distinct().Order())
            {
                var local = day.ToDateTime(time);
                planned.Add((local, calendar.LocalToUtc(local)));
            }
        }
        var times = planned.Select(p => p.Utc).ToArray();
        const string sql = "select departure_time from departures where boat_id = @BoatId and departure_time = any(@times)";
        await using var connection = await db.OpenConnectionAsync(ct);
        var existing = (await connection.QueryAsync<DateTime>(new CommandDefinition(sql, new { plan.BoatId, times }, cancellationToken: ct))).ToHashSet();
        return planned.DistinctBy(p => p.Utc).Select(p => new PlannedDeparture(p.Local, p.Utc, existing.Contains(p.Utc))).ToList();
    }

    public async Task<ScheduleOutcome> CreateRecurringAsync(RecurringPlan plan, CancellationToken ct)
    {
        var planned = await PreviewAsync(plan, ct);
        if (planned.Count > MaxPlannedDepartures)
        {
            return new ScheduleOutcome(ScheduleResult.NothingToChange, planned.Count);
        }
        const string sql = """
            insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
            select b.id, t.departure_time, @Destination, @PricePerSeat, b.capacity, b.capacity
            from boats b cross join unnest(@times) as t(departure_time)
            where b.id = @BoatId and b.retired_at is null
            on conflict (boat_id, departure_time) do nothing
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await BoatIsActiveAsync(connection, plan.BoatId, ct))
        {
            return new ScheduleOutcome(ScheduleResult.BoatUnavailable);
        }
        var created = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            plan.Destination, plan.PricePerSeat, plan.BoatId, times = planned.Select(p => p.DepartureTimeUtc).ToArray(),
        }, cancellationToken: ct));
        availability.Raise();
        log.LogInformation("Recurring schedule created {Created} departures for boat {BoatId}", created, plan.BoatId);
        return new ScheduleOutcome(ScheduleResult.Done, created);
    }

    private static Task<bool> BoatIsActiveAsync(NpgsqlConnection connection, Guid boatId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from boats where id = @boatId and retired_at is null)", new { boatId }, cancellationToken: ct));
}
