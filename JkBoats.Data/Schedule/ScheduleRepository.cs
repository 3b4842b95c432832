using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Schedule;

public sealed record BoatRow(Guid Id, string Name, int Capacity, bool HasAc, DateTime? RetiredAt, long UpcomingDepartures);

public sealed record DepartureEdit(DateTime DepartureTimeUtc, decimal PricePerSeat, Guid BoatId, string Destination);

public sealed record RecurringPlan(Guid BoatId, string Destination, decimal PricePerSeat, DateOnly From, DateOnly To, IReadOnlySet<DayOfWeek> Days, IReadOnlyList<TimeOnly> Times);

public sealed record PlannedDeparture(DateTime LocalTime, DateTime DepartureTimeUtc, bool AlreadyExists);

public enum ScheduleResult
{
    Done,
    NotFound,
    Duplicate,
    BoatUnavailable,
    CapacityTooSmall,
    Busy,
    TargetTooSmall,
    TargetNotBookable,
    NothingToChange,
}

public sealed record ScheduleOutcome(ScheduleResult Result, int Count = 0, int Booked = 0, int NewCapacity = 0, Guid? Id = null)
{
    public bool Succeeded => Result == ScheduleResult.Done;
}

/// <summary>Boats and the departure schedule, for admins. Changes that touch seats lock the departure first.</summary>
public sealed class ScheduleRepository(NpgsqlDataSource db, LockedTransaction locked, OperatorCalendar calendar, OutboxSignal outbox, ILogger<ScheduleRepository> log)
{
    public const int MaxPlannedDepartures = 1000;

    public async Task<IReadOnlyList<BoatRow>> ListBoatsAsync(CancellationToken ct)
    {
        const string sql = """
            select b.id, b.name, b.capacity, b.has_ac, b.retired_at,
                   (select count(*) from departures d where d.boat_id = b.id and d.departure_time >= now() and d.status = 'scheduled') as upcoming_departures
            from boats b
            order by b.retired_at is not null, b.name
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BoatRow>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<BoatRow?> GetBoatAsync(Guid id, CancellationToken ct) =>
        (await ListBoatsAsync(ct)).SingleOrDefault(b => b.Id == id);

    public async Task<Guid?> BoatOfAsync(Guid departureId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "select boat_id from departures where id = @departureId", new { departureId }, cancellationToken: ct));
    }

    public async Task<Guid> CreateBoatAsync(string name, int capacity, bool hasAc, CancellationToken ct)
    {
        const string sql = "insert into boats (name, capacity, has_ac) values (@name, @capacity, @hasAc) returning id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(sql, new { name, capacity, hasAc }, cancellationToken: ct));
    }

    /// <summary>Changes a boat's details. Departures already scheduled keep their own capacity.</summary>
    public async Task<bool> UpdateBoatAsync(Guid id, string name, int capacity, bool hasAc, CancellationToken ct)
    {
        const string sql = "update boats set name = @name, capacity = @capacity, has_ac = @hasAc, updated_at = now() where id = @id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, name, capacity, hasAc }, cancellationToken: ct)) == 1;
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
        return id is null ? new ScheduleOutcome(ScheduleResult.Duplicate) : new ScheduleOutcome(ScheduleResult.Done, 1, Id: id);
    }

    /// <summary>Every departure a recurring plan describes, in the operator's local time, marking those the boat already has.</summary>
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

    /// <summary>Creates the plan's departures in one transaction, skipping those that already exist.</summary>
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
        log.LogInformation("Recurring schedule created {Created} departures for boat {BoatId}", created, plan.BoatId);
        return new ScheduleOutcome(ScheduleResult.Done, created);
    }

    /// <summary>
    /// Edits time, price, destination and boat. A new boat brings its capacity; refused, with the numbers, when it
    /// would leave fewer seats than are already booked.
    /// </summary>
    public Task<ScheduleOutcome> EditDepartureAsync(Guid departureId, DepartureEdit edit, CancellationToken ct) =>
        locked.RunAsync("Edit departure", async (connection, tx) =>
        {
            var rows = await BookingChanges.LockDeparturesAsync(connection, tx, [departureId], ct);
            if (rows.Count == 0)
            {
                return new ScheduleOutcome(ScheduleResult.NotFound);
            }
            var current = rows[0];
            var booked = current.Capacity - current.AvailableSeats;
            var capacity = current.Capacity;
            if (edit.BoatId != current.BoatId)
            {
                var boat = await connection.QuerySingleOrDefaultAsync<(int Capacity, DateTime? RetiredAt)>(new CommandDefinition(
                    "select capacity, retired_at from boats where id = @BoatId", new { edit.BoatId }, tx, cancellationToken: ct));
                if (boat == default || boat.RetiredAt is not null)
                {
                    return new ScheduleOutcome(ScheduleResult.BoatUnavailable);
                }
                if (boat.Capacity < booked)
                {
                    return new ScheduleOutcome(ScheduleResult.CapacityTooSmall, Booked: booked, NewCapacity: boat.Capacity);
                }
                capacity = boat.Capacity;
            }
            var clash = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from departures where boat_id = @BoatId and departure_time = @DepartureTimeUtc and id <> @departureId)",
                new { edit.BoatId, edit.DepartureTimeUtc, departureId }, tx, cancellationToken: ct));
            if (clash)
            {
                return new ScheduleOutcome(ScheduleResult.Duplicate);
            }
            const string update = """
                update departures
                set departure_time = @DepartureTimeUtc, price_per_seat = @PricePerSeat, destination = @Destination, boat_id = @BoatId,
                    capacity = @capacity, available_seats = @capacity - @booked, updated_at = now()
                where id = @departureId
                """;
            await connection.ExecuteAsync(new CommandDefinition(update, new
            {
                edit.DepartureTimeUtc, edit.PricePerSeat, edit.Destination, edit.BoatId, capacity, booked, departureId,
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return new ScheduleOutcome(ScheduleResult.Done, Booked: booked, NewCapacity: capacity);
        }, () => new ScheduleOutcome(ScheduleResult.Busy), ct);

    /// <summary>
    /// Cancels a departure (weather). Without a target every confirmed booking on it is cancelled and its seats
    /// released; with one, every confirmed booking moves there instead, all or nothing. Returns the affected bookings.
    /// </summary>
    public async Task<(ScheduleOutcome Outcome, IReadOnlyList<Guid> Bookings)> CancelDepartureAsync(
        Guid departureId, string reason, Guid? moveTo, string changedBy, CancellationToken ct)
    {
        IReadOnlyList<Guid> affected = [];
        var outcome = await locked.RunAsync("Cancel departure", async (connection, tx) =>
        {
            Guid[] ids = moveTo is { } destination && destination != departureId ? [departureId, destination] : [departureId];
            var rows = await BookingChanges.LockDeparturesAsync(connection, tx, ids, ct);
            var source = rows.SingleOrDefault(r => r.Id == departureId);
            if (source is null)
            {
                return new ScheduleOutcome(ScheduleResult.NotFound);
            }
            if (source.Status == "cancelled")
            {
                return new ScheduleOutcome(ScheduleResult.NothingToChange);
            }
            var booked = source.Capacity - source.AvailableSeats;
            if (moveTo is not null)
            {
                var target = rows.SingleOrDefault(r => r.Id == moveTo && r.Id != departureId);
                if (target is null || target.Status != "scheduled" || target.DepartureTime <= calendar.UtcNow)
                {
                    return new ScheduleOutcome(ScheduleResult.TargetNotBookable);
                }
                if (target.AvailableSeats < booked)
                {
                    return new ScheduleOutcome(ScheduleResult.TargetTooSmall, Booked: booked, NewCapacity: target.AvailableSeats);
                }
                const string move = """
                    update bookings set departure_id = @target, total_price = seats_booked * @price, changed_by = @changedBy, updated_at = now()
                    where departure_id = @departureId and status = 'confirmed'
                    returning id
                    """;
                affected = (await connection.QueryAsync<Guid>(new CommandDefinition(move, new
                {
                    target = target.Id, price = target.PricePerSeat, changedBy, departureId,
                }, tx, cancellationToken: ct))).AsList();
                await connection.ExecuteAsync(new CommandDefinition(
                    "update departures set available_seats = available_seats - @booked, updated_at = now() where id = @target",
                    new { booked, target = target.Id }, tx, cancellationToken: ct));
            }
            else
            {
                const string cancelBookings = """
                    update bookings
                    set status = 'cancelled', cancelled_at = now(), cancellation_reason = @reason, changed_by = @changedBy, updated_at = now()
                    where departure_id = @departureId and status = 'confirmed'
                    returning id
                    """;
                affected = (await connection.QueryAsync<Guid>(new CommandDefinition(cancelBookings, new { reason, changedBy, departureId }, tx, cancellationToken: ct))).AsList();
            }
            const string cancelDeparture = """
                update departures
                set status = 'cancelled', cancelled_at = now(), cancellation_reason = @reason, available_seats = capacity, updated_at = now()
                where id = @departureId
                """;
            await connection.ExecuteAsync(new CommandDefinition(cancelDeparture, new { reason, departureId }, tx, cancellationToken: ct));
            await BookingChanges.QueueEmailsAsync(connection, tx, moveTo is null ? EmailKinds.BookingCancelled : EmailKinds.BookingMoved, affected, ct);
            await tx.CommitAsync(ct);
            outbox.Poke();
            log.LogInformation("Cancelled departure {DepartureId}: {Bookings} bookings {Action}", departureId, affected.Count, moveTo is null ? "cancelled" : "moved");
            return new ScheduleOutcome(ScheduleResult.Done, affected.Count, booked);
        }, () => new ScheduleOutcome(ScheduleResult.Busy), ct);
        return (outcome, outcome.Succeeded ? affected : []);
    }

    private static Task<bool> BoatIsActiveAsync(NpgsqlConnection connection, Guid boatId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from boats where id = @boatId and retired_at is null)", new { boatId }, cancellationToken: ct));
}
