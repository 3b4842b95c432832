using Dapper;
using JkBoats.Data.Email;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

public sealed record DepartureEdit(DateTime DepartureTimeUtc, decimal PricePerSeat, Guid BoatId, string Destination)
{
    /// <summary>Who edited it, for the history of the bookings on it.</summary>
    public string ChangedBy { get; init; } = "staff";
}

public sealed partial class SeatInventory
{
    /// <summary>Edits time, price, destination and boat. A new boat brings its capacity; refused, with the numbers, when it
    /// would leave fewer seats than are already booked.</summary>
    public Task<ScheduleOutcome> EditDepartureAsync(Guid departureId, DepartureEdit edit, CancellationToken ct) =>
        _locked.RunAsync("edit_departure", async scope =>
        {
            var rows = await scope.LockDeparturesAsync(departureId);
            if (rows.Count == 0)
            {
                return new ScheduleOutcome(ScheduleResult.NotFound);
            }
            var current = rows[0];
            var booked = current.BookedSeats;
            var capacity = current.Capacity;
            var maxPersons = current.MaxPersons;
            if (edit.BoatId != current.BoatId)
            {
                var boat = await scope.Connection.QuerySingleOrDefaultAsync<(int Capacity, int MaxPersons, DateTime? RetiredAt)>(scope.Command(
                    "select capacity, max_persons, retired_at from boats where id = @BoatId", new { edit.BoatId }));
                if (boat == default || boat.RetiredAt is not null)
                {
                    return new ScheduleOutcome(ScheduleResult.BoatUnavailable);
                }
                if (boat.Capacity < booked + current.HeldSeats)
                {
                    return new ScheduleOutcome(ScheduleResult.CapacityTooSmall, Booked: booked + current.HeldSeats, NewCapacity: boat.Capacity);
                }
                if (boat.MaxPersons < current.BookedPersons + current.HeldPersons)
                {
                    return new ScheduleOutcome(ScheduleResult.PersonsTooMany, Booked: current.BookedPersons, NewCapacity: boat.MaxPersons);
                }
                (capacity, maxPersons) = (boat.Capacity, boat.MaxPersons);
            }
            var clash = await scope.Connection.ExecuteScalarAsync<bool>(scope.Command(
                "select exists (select 1 from departures where boat_id = @BoatId and departure_time = @DepartureTimeUtc and id <> @departureId)",
                new { edit.BoatId, edit.DepartureTimeUtc, departureId }));
            if (clash)
            {
                return new ScheduleOutcome(ScheduleResult.Duplicate);
            }
            var before = await PassengerFactsAsync(scope, departureId);
            const string update = """
                update departures
                set departure_time = @DepartureTimeUtc, price_per_seat = @PricePerSeat, destination = @Destination, boat_id = @BoatId,
                    capacity = @capacity, available_seats = @capacity - @booked - held_seats,
                    max_persons = @maxPersons, available_persons = @maxPersons - @bookedPersons - held_persons, updated_at = now()
                where id = @departureId;
                update departure_fares set price = @PricePerSeat
                where departure_id = @departureId and fare_type_id = (select id from fare_types where code = 'adult');
                """;
            await scope.Connection.ExecuteAsync(scope.Command(update, new
            {
                edit.DepartureTimeUtc, edit.PricePerSeat, edit.Destination, edit.BoatId, capacity, booked, maxPersons,
                bookedPersons = current.BookedPersons, departureId,
            }));
            await QueueDepartureChangedAsync(scope, departureId, before, edit.ChangedBy);
            // A larger boat (or a departure moved later) may free seats for the waiting list.
            await OfferReleasedSeatsAsync(scope, departureId);
            await scope.CommitAsync();
            return new ScheduleOutcome(ScheduleResult.Done, Booked: booked, NewCapacity: capacity);
        }, () => new ScheduleOutcome(ScheduleResult.Busy), ct);

    /// <summary>Cancels a departure (weather). Without a target every confirmed booking on it is cancelled and its seats
    /// released; with one, every confirmed booking moves there instead, all or nothing. Returns the affected bookings.</summary>
    public async Task<(ScheduleOutcome Outcome, IReadOnlyList<Guid> Bookings)> CancelDepartureAsync(
        Guid departureId, string reason, Guid? moveTo, string changedBy, CancellationToken ct)
    {
        IReadOnlyList<Guid> affected = [];
        var outcome = await _locked.RunAsync("cancel_departure", async scope =>
        {
            var rows = await scope.LockDeparturesAsync(moveTo is { } to && to != departureId ? [departureId, to] : [departureId]);
            var source = rows.SingleOrDefault(r => r.Id == departureId);
            if (source is null)
            {
                return new ScheduleOutcome(ScheduleResult.NotFound);
            }
            if (source.Status == DepartureStatus.Cancelled)
            {
                return new ScheduleOutcome(ScheduleResult.NothingToChange);
            }
            var booked = source.BookedSeats;
            var confirmed = BookingStatus.Confirmed.Name();
            if (moveTo is not null)
            {
                var target = rows.SingleOrDefault(r => r.Id == moveTo && r.Id != departureId);
                if (target is null || !target.IsBookable(UtcNow))
                {
                    return new ScheduleOutcome(ScheduleResult.TargetNotBookable);
                }
                if (target.AvailableSeats < booked)
                {
                    return new ScheduleOutcome(ScheduleResult.TargetTooSmall, Booked: booked, NewCapacity: target.AvailableSeats);
                }
                if (target.AvailablePersons < source.BookedPersons)
                {
                    return new ScheduleOutcome(ScheduleResult.PersonsTooMany, Booked: source.BookedPersons, NewCapacity: target.AvailablePersons);
                }
                var moving = (await scope.Connection.QueryAsync<Guid>(scope.Command(
                    "select id from bookings where departure_id = @departureId and status = @confirmed", new { departureId, confirmed }))).AsList();
                if (await scope.FaresNotSoldAsync(moving, target.Id) > 0)
                {
                    return new ScheduleOutcome(ScheduleResult.FareNotSold);
                }
                const string move = """
                    update bookings set departure_id = @target, changed_by = @changedBy, updated_at = now()
                    where id = any(@moving)
                    returning id
                    """;
                affected = (await scope.Connection.QueryAsync<Guid>(scope.Command(move, new
                {
                    target = target.Id, changedBy, moving = moving.ToArray(),
                }))).AsList();
                await scope.RepriceAsync(affected, target.Id);
                await scope.Connection.ExecuteAsync(scope.Command(
                    "update departures set available_seats = available_seats - @booked, available_persons = available_persons - @persons, updated_at = now() where id = @target",
                    new { booked, persons = source.BookedPersons, target = target.Id }));
            }
            else
            {
                const string cancelBookings = """
                    update bookings
                    set status = @cancelled, cancelled_at = now(), cancellation_reason = @reason, changed_by = @changedBy, updated_at = now()
                    where departure_id = @departureId and status = @confirmed
                    returning id
                    """;
                affected = (await scope.Connection.QueryAsync<Guid>(scope.Command(cancelBookings, new
                {
                    reason, changedBy, departureId, confirmed, cancelled = BookingStatus.Cancelled.Name(),
                }))).AsList();
            }
            const string cancelDeparture = """
                update departures
                set status = @cancelled, cancelled_at = now(), cancellation_reason = @reason, available_seats = capacity,
                    available_persons = max_persons, held_seats = 0, held_persons = 0, updated_at = now()
                where id = @departureId;
                update waitlist_entries set status = 'removed', removed_by = 'departure cancelled', hold_expires_at = null, updated_at = now()
                where departure_id = @departureId and status in ('waiting', 'offered');
                """;
            await scope.Connection.ExecuteAsync(scope.Command(cancelDeparture, new { reason, departureId, cancelled = DepartureStatus.Cancelled.Name() }));
            await scope.RecordAsync(affected, moveTo is null ? BookingEventKind.Cancelled : BookingEventKind.Moved, changedBy,
                moveTo is null
                    ? $"Cancelled with the whole departure: {reason}"
                    : $"Moved with the whole departure from {Describe(source.Destination, source.DepartureTime)} to {Describe(rows.Single(r => r.Id == moveTo).Destination, rows.Single(r => r.Id == moveTo).DepartureTime)}: {reason}");
            await scope.QueueEmailsAsync(moveTo is null ? EmailKinds.BookingCancelled : EmailKinds.BookingMoved, affected);
            await scope.CommitAsync();
            _log.LogInformation("Cancelled departure {DepartureId}: {Bookings} bookings {Action}", departureId, affected.Count, moveTo is null ? BookingStatus.Cancelled.Name() : "moved");
            return new ScheduleOutcome(ScheduleResult.Done, affected.Count, booked);
        }, () => new ScheduleOutcome(ScheduleResult.Busy), ct);
        return (outcome, outcome.Succeeded ? affected : []);
    }
}
