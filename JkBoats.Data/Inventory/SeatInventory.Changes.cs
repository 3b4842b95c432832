using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

/// <summary>A customer's own changes through the manage link: fewer passengers (their seats released at once) and corrected names.</summary>
public sealed partial class SeatInventory
{
    /// <summary>Takes the passengers at these positions off a confirmed booking and returns their seats and places; the lead passenger
    /// stays, someone must keep a seat, and every infant keeps a lap. The total becomes the remaining passengers' prices.</summary>
    public async Task<ChangeOutcome> RemovePassengersAsync(
        Guid bookingId, IReadOnlyCollection<int> positions, string changedBy, TimeSpan? cutoff, CancellationToken ct) =>
        Counted("remove_passengers", await _locked.RunAsync("remove_passengers", async scope =>
        {
            var found = await LockBookingAsync(scope, bookingId);
            if (found is not var (departures, booking))
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            if (booking.Status != BookingStatus.Confirmed || positions.Count == 0)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (cutoff is { } limit && departures[0].DepartureTime - UtcNow < limit)
            {
                return new ChangeOutcome(ChangeResult.TooLate);
            }
            var party = (await scope.Connection.QueryAsync<(int Position, bool TakesSeat)>(scope.Command(
                "select position, takes_seat from passengers where booking_id = @bookingId", new { bookingId }))).AsList();
            if (positions.Any(p => party.All(q => q.Position != p)))
            {
                return new ChangeOutcome(ChangeResult.UnknownPassenger);
            }
            if (positions.Contains(party.Min(p => p.Position)))
            {
                return new ChangeOutcome(ChangeResult.LeadPassenger);
            }
            var staying = party.Where(p => !positions.Contains(p.Position)).ToList();
            var seats = staying.Count(p => p.TakesSeat);
            if (seats == 0 || staying.Count - seats > seats)
            {
                return new ChangeOutcome(ChangeResult.PartyInvalid);
            }

            const string leaving = """
                select string_agg(coalesce(p.full_name, 'unnamed') || ' (' || lower(f.name) || ')', ', ' order by p.position)
                from passengers p join fare_types f on f.id = p.fare_type_id
                where p.booking_id = @bookingId and p.position = any(@positions)
                """;
            var who = await scope.Connection.ExecuteScalarAsync<string>(scope.Command(leaving, new { bookingId, positions = positions.ToArray() }));
            const string remove = """
                delete from passengers where booking_id = @bookingId and position = any(@positions);
                update bookings
                set seats_booked = @seats, persons = @persons, changed_by = @changedBy, updated_at = now(),
                    total_price = (select coalesce(sum(p.price), 0) from passengers p where p.booking_id = @bookingId)
                where id = @bookingId;
                update departures
                set available_seats = available_seats + @freedSeats, available_persons = available_persons + @freedPersons, updated_at = now()
                where id = @departureId;
                """;
            await scope.Connection.ExecuteAsync(scope.Command(remove, new
            {
                bookingId, positions = positions.ToArray(), seats, persons = staying.Count, changedBy, departureId = booking.DepartureId,
                freedSeats = booking.SeatsBooked - seats, freedPersons = booking.Persons - staying.Count,
            }));
            var newTotal = await scope.Connection.ExecuteScalarAsync<decimal>(scope.Command("select total_price from bookings where id = @bookingId", new { bookingId }));
            await scope.RecordAsync(bookingId, BookingEventKind.PassengersRemoved, changedBy,
                $"Took off {who}; {BookingEvent.Plural(booking.SeatsBooked - seats, "seat")} back on sale, total {BookingEvent.Money(booking.TotalPrice)} → {BookingEvent.Money(newTotal)}");
            await OfferReleasedSeatsAsync(scope, booking.DepartureId);
            await scope.QueueEmailsAsync(EmailKinds.BookingChanged, [bookingId]);
            await scope.CommitAsync();
            _log.LogInformation("Removed {Removed} passengers from booking {BookingId} on {DepartureId}, {Seats} seats returned",
                positions.Count, bookingId, booking.DepartureId, booking.SeatsBooked - seats);
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct));

    /// <summary>Sets the names of a confirmed booking's passengers (position → name; null or blank clears a name other than the
    /// lead's). Seats do not change; the booking row's lock orders it with every other change of the booking.</summary>
    public async Task<ChangeOutcome> CorrectNamesAsync(
        Guid bookingId, IReadOnlyDictionary<int, string?> names, string changedBy, TimeSpan? cutoff, CancellationToken ct) =>
        Counted("correct_names", await _locked.RunAsync("correct_names", async scope =>
        {
            const string find = """
                select bk.status, d.departure_time
                from bookings bk join departures d on d.id = bk.departure_id
                where bk.id = @bookingId
                for update of bk
                """;
            var booking = await scope.Connection.QuerySingleOrDefaultAsync<(BookingStatus Status, DateTime DepartureTime)?>(
                scope.Command(find, new { bookingId }));
            if (booking is not var (status, departureTime))
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            if (status != BookingStatus.Confirmed)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (cutoff is { } limit && departureTime - UtcNow < limit)
            {
                return new ChangeOutcome(ChangeResult.TooLate);
            }
            var current = (await scope.Connection.QueryAsync<(int Position, string? FullName)>(scope.Command(
                "select position, full_name from passengers where booking_id = @bookingId order by position", new { bookingId }))).AsList();
            if (names.Keys.Any(p => current.All(c => c.Position != p)))
            {
                return new ChangeOutcome(ChangeResult.UnknownPassenger);
            }
            var lead = current[0].Position;
            if (names.TryGetValue(lead, out var leadName) && string.IsNullOrWhiteSpace(leadName))
            {
                return new ChangeOutcome(ChangeResult.LeadPassenger);
            }
            var changes = current
                .Where(c => names.ContainsKey(c.Position))
                .Select(c => (c.Position, Name: string.IsNullOrWhiteSpace(names[c.Position]) ? null : names[c.Position]!.Trim(), Old: c.FullName))
                .Where(c => c.Name != c.Old)
                .ToList();
            if (changes.Count == 0)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            const string rename = """
                update passengers p set full_name = n.full_name
                from unnest(@positions, @names) as n(position, full_name)
                where p.booking_id = @bookingId and p.position = n.position;
                update bookings set full_name = coalesce(@leadName, full_name), changed_by = @changedBy, updated_at = now() where id = @bookingId;
                """;
            await scope.Connection.ExecuteAsync(scope.Command(rename, new
            {
                bookingId, changedBy, positions = changes.Select(c => (short)c.Position).ToArray(), names = changes.Select(c => c.Name).ToArray(),
                leadName = changes.FirstOrDefault(c => c.Position == lead).Name,
            }));
            await scope.RecordAsync(bookingId, BookingEventKind.NamesCorrected, changedBy,
                "Names corrected: " + string.Join(", ", changes.Select(c => $"{c.Old ?? "unnamed"} → {c.Name ?? "unnamed"}")));
            await scope.QueueEmailsAsync(EmailKinds.BookingChanged, [bookingId]);
            await scope.CommitAsync();
            _log.LogInformation("Corrected {Count} passenger names on booking {BookingId}", changes.Count, bookingId);
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct));
}
