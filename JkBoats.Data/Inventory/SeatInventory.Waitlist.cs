using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

public enum WaitlistStatus
{
    Waiting,
    Offered,
    Booked,
    Expired,
    Removed,
    Left,
}

public enum WaitlistJoinResult
{
    Joined,
    /// <summary>The party fits in the seats on sale: book instead.</summary>
    SeatsAvailable,
    AlreadyOnList,
    DepartureClosed,
    FareNotSold,
    NotFound,
    Busy,
}

/// <summary>A request to wait for seats: the contact and the party as fare code → count.</summary>
public sealed record WaitlistJoin(Guid DepartureId, CustomerDetails Customer, IReadOnlyDictionary<string, int> Fares)
{
    /// <summary>The language the customer joined in (e.g. <c>el</c>), for the offer email and the booking a claim makes; null: English.</summary>
    public string? Language { get; init; }
}

public sealed record WaitlistJoinOutcome(WaitlistJoinResult Result, Guid? EntryId = null, int Position = 0);

public enum OfferClaimResult
{
    Booked,
    AlreadyBooked,
    /// <summary>Still waiting: no seats have been offered yet.</summary>
    NotOffered,
    Expired,
    Removed,
    /// <summary>The departure stopped taking bookings (left, cancelled) or no longer sells a fare of the party.</summary>
    CannotBook,
    NotFound,
    Busy,
}

public sealed record OfferClaimOutcome(OfferClaimResult Result, Guid? BookingId = null, DateTime? HoldExpiredAt = null);

/// <summary>Waiting lists with held seats. Seats offered to an entry move from <c>available_seats</c> to <c>held_seats</c> under the
/// departure's lock (so <c>available + held + confirmed = capacity</c>, and nobody else can book them); a claim turns them into a
/// booking, an expiry, a decline or a removal returns them and offers them to the next entry that fits.</summary>
public sealed partial class SeatInventory
{
    public Task<WaitlistJoinOutcome> JoinWaitlistAsync(WaitlistJoin join, CancellationToken ct) =>
        _locked.RunAsync("join_waitlist", async scope =>
        {
            var rows = await scope.LockDeparturesAsync(join.DepartureId);
            if (rows.Count == 0)
            {
                return new WaitlistJoinOutcome(WaitlistJoinResult.NotFound);
            }
            var departure = rows[0];
            if (!departure.IsBookable(UtcNow))
            {
                return new WaitlistJoinOutcome(WaitlistJoinResult.DepartureClosed);
            }
            const string fares = """
                select f.id, f.code, f.takes_seat
                from fare_types f
                join departure_fares df on df.fare_type_id = f.id and df.departure_id = @DepartureId
                where f.is_active and f.code = any(@codes)
                """;
            var sold = (await scope.Connection.QueryAsync<(Guid Id, string Code, bool TakesSeat)>(scope.Command(fares, new
            {
                join.DepartureId, codes = join.Fares.Keys.ToArray(),
            }))).ToDictionary(f => f.Code, StringComparer.Ordinal);
            if (join.Fares.Keys.Any(code => !sold.ContainsKey(code)))
            {
                return new WaitlistJoinOutcome(WaitlistJoinResult.FareNotSold);
            }
            var seats = join.Fares.Where(f => sold[f.Key].TakesSeat).Sum(f => f.Value);
            var persons = join.Fares.Values.Sum();
            var waiting = (await scope.Connection.QueryAsync<(string Email, DateTime CreatedAt)>(scope.Command(
                "select email, created_at from waitlist_entries where departure_id = @DepartureId and status in ('waiting', 'offered')",
                new { join.DepartureId }))).AsList();
            if (waiting.Any(w => string.Equals(w.Email, join.Customer.Email, StringComparison.OrdinalIgnoreCase)))
            {
                return new WaitlistJoinOutcome(WaitlistJoinResult.AlreadyOnList);
            }
            if (waiting.Count == 0 && departure.AvailableSeats >= seats && departure.AvailablePersons >= persons)
            {
                return new WaitlistJoinOutcome(WaitlistJoinResult.SeatsAvailable);
            }
            const string insert = """
                insert into waitlist_entries (id, departure_id, full_name, email, phone, seats, persons, language)
                values (@id, @DepartureId, @FullName, @Email, @Phone, @seats, @persons, @language);
                insert into waitlist_fares (entry_id, fare_type_id, count)
                select @id, f.fare_type_id, f.count from unnest(@fareIds, @counts) as f(fare_type_id, count) where f.count > 0;
                """;
            var id = Guid.CreateVersion7();
            var party = join.Fares.Where(f => f.Value > 0).ToList();
            await scope.Connection.ExecuteAsync(scope.Command(insert, new
            {
                id, join.DepartureId, join.Customer.FullName, join.Customer.Email, join.Customer.Phone, seats, persons, language = join.Language ?? "en",
                fareIds = party.Select(f => sold[f.Key].Id).ToArray(), counts = party.Select(f => f.Value).ToArray(),
            }));
            // Seats on sale that the queue ahead could not use may fit this party at once.
            await OfferReleasedSeatsAsync(scope, join.DepartureId);
            await scope.CommitAsync();
            _log.LogInformation("Waiting-list entry {EntryId} for {Seats} seats on {DepartureId}", id, seats, join.DepartureId);
            return new WaitlistJoinOutcome(WaitlistJoinResult.Joined, id, waiting.Count + 1);
        }, () => new WaitlistJoinOutcome(WaitlistJoinResult.Busy), ct);

    /// <summary>The customer confirms an offer: the held seats become a confirmed booking (with its confirmation email) in the same
    /// transaction. After the hold ran out the answer is <see cref="OfferClaimResult.Expired"/>, and the seats go to the next entry.</summary>
    public Task<OfferClaimOutcome> ClaimOfferAsync(Guid entryId, CancellationToken ct) =>
        _locked.RunAsync("claim_offer", async scope =>
        {
            var locked = await LockEntryAsync(scope, entryId);
            if (locked is not { } entry)
            {
                return new OfferClaimOutcome(OfferClaimResult.NotFound);
            }
            switch (entry.Status)
            {
                case WaitlistStatus.Booked:
                    return new OfferClaimOutcome(OfferClaimResult.AlreadyBooked, entry.BookingId);
                case WaitlistStatus.Waiting:
                    return new OfferClaimOutcome(OfferClaimResult.NotOffered);
                case WaitlistStatus.Expired:
                    return new OfferClaimOutcome(OfferClaimResult.Expired, HoldExpiredAt: entry.HoldExpiresAt);
                case WaitlistStatus.Removed or WaitlistStatus.Left:
                    return new OfferClaimOutcome(OfferClaimResult.Removed);
            }
            if (entry.HoldExpiresAt <= UtcNow)
            {
                await OfferReleasedSeatsAsync(scope, entry.DepartureId);
                await scope.CommitAsync();
                return new OfferClaimOutcome(OfferClaimResult.Expired, HoldExpiredAt: entry.HoldExpiresAt);
            }

            // The hold goes back on sale and is booked at once, under the same lock: nobody can take it in between.
            await ReleaseHoldAsync(scope, entry);
            const string fares = """
                select f.code, wf.count, f.takes_seat
                from waitlist_fares wf join fare_types f on f.id = wf.fare_type_id
                where wf.entry_id = @entryId
                order by f.takes_seat desc, f.sort_order
                """;
            var party = (await scope.Connection.QueryAsync<(string Code, int Count, bool TakesSeat)>(scope.Command(fares, new { entryId })))
                .SelectMany(f => Enumerable.Repeat(f.Code, f.Count))
                .Select((code, i) => new ValidPassenger(code, i == 0 ? entry.FullName : null, null, null, null))
                .ToList();
            var command = new BookingCommand(
                new ValidBooking(entry.DepartureId, entry.Seats, new CustomerDetails(entry.FullName, entry.Email, entry.Phone), party),
                BookingChannel.Web, $"waitlist:{entryId:N}")
            {
                Actor = "customer (waiting list)",
                Language = entry.Language,
            };
            var pending = new PendingBooking(command, BookingCommand.Fingerprint(command.Booking), _clock.GetTimestamp());
            Guid? bookingId = null;
            var outcomes = await BatchBooking.DecideAsync(scope, [pending], UtcNow, _log, waitForLocks: true, async ids =>
            {
                bookingId = ids[0];
                await scope.Connection.ExecuteAsync(scope.Command(
                    "update waitlist_entries set status = 'booked', booking_id = @bookingId, hold_expires_at = null, updated_at = now() where id = @entryId",
                    new { bookingId, entryId }));
            });
            if (outcomes[0] is not BookingOutcome.Confirmed confirmed || bookingId is null)
            {
                _log.LogWarning("Waiting-list offer {EntryId} could not be booked: {Outcome}", entryId, outcomes[0]?.GetType().Name);
                return new OfferClaimOutcome(OfferClaimResult.CannotBook); // rolled back: the hold stays as it was
            }
            _metrics.Booking(BookingChannel.Web, Outcomes.Of(confirmed));
            _log.LogInformation("Waiting-list entry {EntryId} booked as {BookingId}", entryId, bookingId);
            return new OfferClaimOutcome(OfferClaimResult.Booked, bookingId);
        }, () => new OfferClaimOutcome(OfferClaimResult.Busy), ct);

    /// <summary>Takes an entry off the list (the customer leaving or declining, or staff removing it); a held offer's seats pass on.</summary>
    public Task<ChangeOutcome> LeaveWaitlistAsync(Guid entryId, string by, bool byCustomer, CancellationToken ct) =>
        _locked.RunAsync("leave_waitlist", async scope =>
        {
            var locked = await LockEntryAsync(scope, entryId);
            if (locked is not { } entry)
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            if (entry.Status is not (WaitlistStatus.Waiting or WaitlistStatus.Offered))
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (entry.Status == WaitlistStatus.Offered)
            {
                await ReleaseHoldAsync(scope, entry);
            }
            await scope.Connection.ExecuteAsync(scope.Command(
                "update waitlist_entries set status = @status, removed_by = @by, hold_expires_at = null, updated_at = now() where id = @entryId",
                new { entryId, by, status = byCustomer ? "left" : "removed" }));
            await OfferReleasedSeatsAsync(scope, entry.DepartureId);
            await scope.CommitAsync();
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct);

    /// <summary>Passes every hold that ran out to the next entry that fits; returns how many departures it looked at.</summary>
    public async Task<int> ExpireHoldsAsync(CancellationToken ct)
    {
        var due = await _locked.RunAsync("find_expired_holds", async scope =>
            (await scope.Connection.QueryAsync<Guid>(scope.Command(
                "select distinct departure_id from waitlist_entries where status = 'offered' and hold_expires_at <= @now", new { now = UtcNow }))).AsList(),
            () => [], ct);
        foreach (var departureId in due)
        {
            await _locked.RunAsync("expire_holds", async scope =>
            {
                await scope.LockDeparturesAsync(departureId);
                await OfferReleasedSeatsAsync(scope, departureId);
                await scope.CommitAsync();
                return true;
            }, () => false, ct);
        }
        return due.Count;
    }

    /// <summary>Under the departure's lock (the caller holds it): ends the holds that ran out, then offers the seats on sale to the
    /// waiting entries in the order they joined, each that fits getting its seats held for <see cref="JkBoatsOptions.WaitlistHold"/>
    /// and an email. Called by every operation that returns seats.</summary>
    private async Task OfferReleasedSeatsAsync(LockScope scope, Guid departureId)
    {
        const string expire = """
            with expired as (
                update waitlist_entries set status = 'expired', updated_at = now()
                where departure_id = @departureId and status = 'offered' and hold_expires_at <= @now
                returning seats, persons
            ), totals as (
                select coalesce(sum(seats), 0)::int as seats, coalesce(sum(persons), 0)::int as persons from expired
            )
            update departures d
            set held_seats = d.held_seats - t.seats, held_persons = d.held_persons - t.persons,
                available_seats = d.available_seats + t.seats, available_persons = d.available_persons + t.persons,
                updated_at = case when t.seats > 0 then now() else d.updated_at end
            from totals t
            where d.id = @departureId
            returning d.status, d.departure_time, d.available_seats, d.available_persons;

            select id, seats, persons from waitlist_entries
            where departure_id = @departureId and status = 'waiting'
            order by created_at, id;
            """;
        await using var results = await scope.Connection.QueryMultipleAsync(scope.Command(expire, new { departureId, now = UtcNow }));
        var departure = await results.ReadSingleOrDefaultAsync<(DepartureStatus Status, DateTime DepartureTime, int AvailableSeats, int AvailablePersons)?>();
        var waiting = (await results.ReadAsync<(Guid Id, int Seats, int Persons)>()).AsList();
        await results.DisposeAsync();
        if (departure is not var (status, departureTime, seatsLeft, personsLeft) || !Statuses.IsBookable(status, departureTime, UtcNow))
        {
            return;
        }
        var offered = new List<(Guid Id, int Seats, int Persons)>();
        foreach (var entry in waiting)
        {
            if (entry.Seats <= seatsLeft && entry.Persons <= personsLeft)
            {
                offered.Add(entry);
                seatsLeft -= entry.Seats;
                personsLeft -= entry.Persons;
            }
        }
        if (offered.Count == 0)
        {
            return;
        }
        const string offer = """
            update waitlist_entries set status = 'offered', offered_at = @now, hold_expires_at = @until, updated_at = now()
            where id = any(@ids);
            update departures
            set available_seats = available_seats - @seats, held_seats = held_seats + @seats,
                available_persons = available_persons - @persons, held_persons = held_persons + @persons, updated_at = now()
            where id = @departureId;
            insert into email_outbox (kind, waitlist_entry_id, recipient)
            select @kind, id, email from waitlist_entries where id = any(@ids);
            """;
        await scope.Connection.ExecuteAsync(scope.Command(offer, new
        {
            ids = offered.Select(o => o.Id).ToArray(), now = UtcNow, until = UtcNow + _options.Value.WaitlistHold, departureId,
            seats = offered.Sum(o => o.Seats), persons = offered.Sum(o => o.Persons), kind = EmailKinds.WaitlistOffer,
        }));
        scope.EmailsQueued();
        _log.LogInformation("Offered {Seats} held seats on {DepartureId} to {Entries} waiting-list entries", offered.Sum(o => o.Seats), departureId, offered.Count);
    }

    private static Task ReleaseHoldAsync(LockScope scope, LockedEntry entry) =>
        scope.Connection.ExecuteAsync(scope.Command("""
            update departures
            set held_seats = held_seats - @Seats, held_persons = held_persons - @Persons,
                available_seats = available_seats + @Seats, available_persons = available_persons + @Persons, updated_at = now()
            where id = @DepartureId
            """, new { entry.Seats, entry.Persons, entry.DepartureId }));

    /// <summary>Locks the entry's departure, then the entry; null when there is no such entry.</summary>
    private static async Task<LockedEntry?> LockEntryAsync(LockScope scope, Guid entryId)
    {
        var departureId = await scope.Connection.ExecuteScalarAsync<Guid?>(scope.Command(
            "select departure_id from waitlist_entries where id = @entryId", new { entryId }));
        if (departureId is null)
        {
            return null;
        }
        await scope.LockDeparturesAsync(departureId.Value);
        return await scope.Connection.QuerySingleAsync<LockedEntry>(scope.Command("""
            select id, departure_id, status, seats, persons, hold_expires_at, booking_id, full_name, email, phone, language
            from waitlist_entries where id = @entryId for update
            """, new { entryId }));
    }

    private sealed record LockedEntry(
        Guid Id, Guid DepartureId, WaitlistStatus Status, int Seats, int Persons, DateTime? HoldExpiresAt, Guid? BookingId,
        string FullName, string Email, string Phone, string Language);
}
