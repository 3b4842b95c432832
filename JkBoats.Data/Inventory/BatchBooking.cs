using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

/// <summary>One transaction for a batch of booking requests on one departure, in three round trips: (1) the timeouts, earlier bookings with the same
/// idempotency keys and, last, the departure's lock; (2) the customers, bookings, emails and seats of all accepted requests, in one statement; (3)
/// commit. Each request is all-or-nothing with its own answer, decided in arrival order as if the requests had run one after another.</summary>
internal static class BatchBooking
{
    public static async Task<BookingOutcome[]> DecideAsync(LockScope scope, IReadOnlyList<PendingBooking> batch, DateTime nowUtc, ILogger log)
    {
        var departureId = batch[0].Command.Booking.DepartureId;
        const string prepare = LockScope.SetTimeouts + """

            select bk.id as booking_id, bk.confirmation_code, bk.status, bk.departure_id, b.name as boat_name,
                   d.departure_time, d.destination, bk.seats_booked, bk.total_price, bk.email, bk.full_name,
                   bk.phone, bk.created_at, bk.request_fingerprint, bk.idempotency_key
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            where bk.idempotency_key = any(@Keys);

            select d.status, d.departure_time, d.destination, d.available_seats, d.price_per_seat, b.name as boat_name
            from departures d
            join boats b on b.id = d.boat_id
            where d.id = @DepartureId
            for no key update of d;
            """;
        var lockWaitStarted = LockTiming.StartWaiting();
        await using var results = await scope.Connection.QueryMultipleAsync(scope.Command(prepare, scope.WithTimeouts(new
        {
            Keys = batch.Select(p => p.Command.IdempotencyKey).OfType<string>().ToArray(),
            DepartureId = departureId,
        })));
        await results.ReadAsync<string>();
        var earlier = (await results.ReadAsync<EarlierBooking>()).ToDictionary(e => e.IdempotencyKey, StringComparer.Ordinal);
        var departure = await results.ReadSingleOrDefaultAsync<BookedDeparture>();
        scope.DeparturesLocked(lockWaitStarted);

        var outcomes = new BookingOutcome[batch.Count];
        var accepted = new List<NewBooking>();
        var available = departure?.AvailableSeats ?? 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var seats = pending.Command.Booking.Seats;
            var closure = departure is null ? DepartureClosure.Open : Statuses.ClosureOf(departure.Status, departure.DepartureTime, nowUtc);
            if (pending.Command.IdempotencyKey is { } key && earlier.TryGetValue(key, out var previous))
            {
                outcomes[i] = previous.RequestFingerprint == pending.Fingerprint
                    ? new BookingOutcome.Confirmed(previous.ToConfirmation(), Replayed: true)
                    : new BookingOutcome.IdempotencyKeyReused();
            }
            else if (departure is null)
            {
                outcomes[i] = new BookingOutcome.DepartureNotFound();
            }
            else if (closure != DepartureClosure.Open)
            {
                outcomes[i] = new BookingOutcome.DepartureClosed(closure);
            }
            else if (available < seats)
            {
                outcomes[i] = new BookingOutcome.InsufficientCapacity(available, seats);
            }
            else
            {
                available -= seats;
                accepted.Add(new NewBooking(i, Guid.NewGuid(), ConfirmationCode.New(), Guid.NewGuid(), seats * departure.PricePerSeat));
            }
        }
        if (accepted.Count == 0)
        {
            return outcomes; // rolled back: a refused request writes nothing
        }

        // One statement under the lock: the customers (only of accepted requests, in email order, the last request's name and phone winning), the
        // bookings, their confirmation emails (committed with the bookings or not at all) and the seats taken.
        const string takeSeats = """
            with customer_rows as (
                select distinct on (coalesce(lower(c.email), c.id::text)) c.id, c.email, c.full_name, c.phone
                from unnest(@CustomerIds::uuid[], @Emails::text[], @Names::text[], @Phones::text[])
                     with ordinality as c(id, email, full_name, phone, arrival)
                order by coalesce(lower(c.email), c.id::text), c.arrival desc
            ), upserted as (
                insert into customers (id, email, full_name, phone)
                select id, email, full_name, phone from customer_rows
                on conflict ((lower(email))) do update
                    set full_name = excluded.full_name, phone = excluded.phone, updated_at = now()
                returning id, email
            ), taken as (
                update departures
                set available_seats = available_seats - @Seats, updated_at = now()
                where id = @DepartureId
            ), booked as (
                insert into bookings (id, confirmation_code, departure_id, customer_id, seats_booked, total_price, status,
                                      full_name, email, phone, channel, idempotency_key, request_fingerprint)
                select b.id, b.code, @DepartureId, coalesce(upserted.id, b.customer_id), b.seats, b.total_price, @Status,
                       b.full_name, b.email, b.phone, b.channel, b.idempotency_key, b.fingerprint
                from unnest(@Ids::uuid[], @Codes::text[], @CustomerIds::uuid[], @SeatCounts::int[], @Totals::numeric[],
                            @Names::text[], @Emails::text[], @Phones::text[], @Channels::text[], @Keys::text[], @Fingerprints::text[])
                     as b(id, code, customer_id, seats, total_price, full_name, email, phone, channel, idempotency_key, fingerprint)
                left join upserted on lower(upserted.email) = lower(b.email)
                returning id, email, created_at
            ), queued as (
                insert into email_outbox (kind, booking_id, recipient)
                select @EmailKind, booked.id, booked.email
                from booked
                where booked.email is not null
            )
            select min(created_at) from booked
            """;
        BookingCommand Command(NewBooking a) => batch[a.Index].Command;
        var createdAt = await scope.Connection.ExecuteScalarAsync<DateTime>(scope.Command(takeSeats, new
        {
            DepartureId = departureId,
            Seats = accepted.Sum(a => Command(a).Booking.Seats),
            Status = BookingStatus.Confirmed.Name(),
            Ids = accepted.Select(a => a.BookingId).ToArray(),
            Codes = accepted.Select(a => a.Code).ToArray(),
            CustomerIds = accepted.Select(a => a.CustomerId).ToArray(),
            SeatCounts = accepted.Select(a => Command(a).Booking.Seats).ToArray(),
            Totals = accepted.Select(a => a.TotalPrice).ToArray(),
            Names = accepted.Select(a => Command(a).Booking.Customer.FullName).ToArray(),
            Emails = accepted.Select(a => Command(a).Booking.Customer.Email).ToArray(),
            Phones = accepted.Select(a => Command(a).Booking.Customer.Phone).ToArray(),
            Channels = accepted.Select(a => Command(a).Channel.ToString().ToLowerInvariant()).ToArray(),
            Keys = accepted.Select(a => Command(a).IdempotencyKey).ToArray(),
            Fingerprints = accepted.Select(a => Command(a).IdempotencyKey is null ? null : batch[a.Index].Fingerprint).ToArray(),
            EmailKind = EmailKinds.BookingConfirmed,
        }));
        scope.EmailsQueued();
        await scope.CommitAsync();

        log.LogInformation("Booked {Count} booking(s), {Seats} seats, on {DepartureId} in one transaction of {BatchSize}",
            accepted.Count, departure!.AvailableSeats - available, departureId, batch.Count);

        foreach (var a in accepted)
        {
            var booking = Command(a).Booking;
            outcomes[a.Index] = new BookingOutcome.Confirmed(new BookingConfirmation(
                a.BookingId, a.Code, BookingStatus.Confirmed, departureId, departure.BoatName, departure.DepartureTime,
                departure.Destination, booking.Seats, a.TotalPrice, booking.Customer.Email, booking.Customer.FullName,
                booking.Customer.Phone, createdAt), Replayed: false);
        }
        return outcomes;
    }

    private sealed record NewBooking(int Index, Guid BookingId, string Code, Guid CustomerId, decimal TotalPrice);

    private sealed record BookedDeparture(DepartureStatus Status, DateTime DepartureTime, string Destination, int AvailableSeats, decimal PricePerSeat, string BoatName);

    private sealed record EarlierBooking(
        Guid BookingId, string ConfirmationCode, BookingStatus Status, Guid DepartureId, string BoatName, DateTime DepartureTime,
        string Destination, int SeatsBooked, decimal TotalPrice, string? Email, string FullName, string Phone,
        DateTime CreatedAt, string? RequestFingerprint, string IdempotencyKey)
    {
        public BookingConfirmation ToConfirmation() => new(
            BookingId, ConfirmationCode, Status, DepartureId, BoatName, DepartureTime, Destination, SeatsBooked,
            TotalPrice, Email, FullName, Phone, CreatedAt);
    }
}
