using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Fares;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

/// <summary>One transaction for a batch of booking requests on one departure or several, in three round trips: (1) the timeouts, earlier bookings
/// with the same idempotency keys and the departures' locks (ascending id); (2) the customers, bookings, emails and seats of all accepted requests,
/// in one statement; (3) commit. Each request is all-or-nothing with its own answer, decided per departure in arrival order as if the requests
/// had run one after another. Unless told to wait, a batch does not wait for a departure other work holds (SKIP LOCKED): that departure's
/// requests are answered null, to be decided again in a batch of their own that waits, so one stuck departure cannot hold up the rest.</summary>
internal static class BatchBooking
{
    private static readonly IReadOnlyDictionary<string, LockedFare> NoFares = new Dictionary<string, LockedFare>();

    /// <param name="waitForLocks">Wait for departures other work holds (within the lock budget) instead of skipping them.</param>
    /// <param name="beforeCommit">Runs in the transaction after the accepted bookings are written (given their ids), before the commit.</param>
    public static async Task<BookingOutcome?[]> DecideAsync(
        LockScope scope, IReadOnlyList<PendingBooking> batch, DateTime nowUtc, ILogger log, bool waitForLocks, Func<IReadOnlyList<Guid>, Task>? beforeCommit = null)
    {
        var departureIds = batch.Select(p => p.DepartureId).Distinct().Order().ToArray();
        var prepare = LockScope.SetTimeoutsAndGenericPlans + """

            select bk.id as booking_id, bk.confirmation_code, bk.status, bk.departure_id, b.name as boat_name,
                   d.departure_time, d.destination, bk.seats_booked, bk.total_price, bk.email, bk.full_name,
                   bk.phone, bk.created_at, bk.request_fingerprint, bk.idempotency_key
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            where bk.idempotency_key = any(@Keys);

            select p.booking_id, p.position::int as position, f.code as fare, f.name as fare_name, p.takes_seat, p.full_name, p.price
            from passengers p
            join bookings bk on bk.id = p.booking_id
            join fare_types f on f.id = p.fare_type_id
            where bk.idempotency_key = any(@Keys)
            order by p.booking_id, p.position;

            select d.id, d.status, d.departure_time, d.destination, d.available_seats, d.available_persons, d.price_per_seat, b.name as boat_name
            from departures d
            join boats b on b.id = d.boat_id
            where d.id = any(@DepartureIds)
            order by d.id
            for no key update of d
            """ + (waitForLocks ? "" : " skip locked") + """
            ;

            select d.id as departure_id, f.id as fare_type_id, f.code, f.name, f.takes_seat, coalesce(df.price, d.price_per_seat) as price
            from departures d
            cross join fare_types f
            left join departure_fares df on df.fare_type_id = f.id and df.departure_id = d.id
            where d.id = any(@DepartureIds) and f.is_active and (df.price is not null or f.code = 'adult');

            select id from departures where id = any(@DepartureIds);
            """;
        var lockWaitStarted = LockTiming.StartWaiting();
        await using var results = await scope.Connection.QueryMultipleAsync(scope.Command(prepare, scope.WithTimeouts(new
        {
            Keys = batch.Select(p => p.Command.IdempotencyKey).OfType<string>().ToArray(),
            DepartureIds = departureIds,
        })));
        await results.ReadAsync<string>();
        var earlier = (await results.ReadAsync<EarlierBooking>()).ToDictionary(e => e.IdempotencyKey, StringComparer.Ordinal);
        var earlierPassengers = (await results.ReadAsync<EarlierPassenger>()).ToLookup(p => p.BookingId);
        var departures = (await results.ReadAsync<BookedDeparture>()).ToDictionary(d => d.Id);
        var faresOf = (await results.ReadAsync<LockedFare>()).GroupBy(f => f.DepartureId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, LockedFare>)g.ToDictionary(f => f.Code, StringComparer.Ordinal));
        var existing = (await results.ReadAsync<Guid>()).ToHashSet();
        scope.DeparturesLocked(lockWaitStarted);

        var outcomes = new BookingOutcome?[batch.Count];
        var accepted = new List<NewBooking>();
        var available = departures.Values.ToDictionary(d => d.Id, d => d.AvailableSeats);
        var availablePersons = departures.Values.ToDictionary(d => d.Id, d => d.AvailablePersons);
        var skipped = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var departureId = pending.DepartureId;
            var departure = departures.GetValueOrDefault(departureId);
            if (departure is null && existing.Contains(departureId))
            {
                skipped++;
                continue; // locked by other work: decided again alone (answered null)
            }
            var fares = faresOf.GetValueOrDefault(departureId) ?? NoFares;
            var closure = departure is null ? DepartureClosure.Open : Statuses.ClosureOf(departure.Status, departure.DepartureTime, nowUtc);
            if (pending.Command.IdempotencyKey is { } key && earlier.TryGetValue(key, out var previous))
            {
                outcomes[i] = previous.RequestFingerprint == pending.Fingerprint
                    ? new BookingOutcome.Confirmed(previous.ToConfirmation(earlierPassengers[previous.BookingId]), Replayed: true)
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
            else if (Price(pending.Command.Booking, fares, departure.PricePerSeat) is not { } passengers)
            {
                var unknown = pending.Command.Booking.Passengers!.Select((p, index) => (p, index)).First(x => !fares.ContainsKey(x.p.Fare));
                outcomes[i] = new BookingOutcome.UnknownFare(unknown.index, unknown.p.Fare);
            }
            else if (passengers.Count(p => p.TakesSeat) is var seats
                     && (available[departureId] < seats || availablePersons[departureId] < passengers.Count))
            {
                outcomes[i] = pending.Command.Booking.Passengers is null
                    ? new BookingOutcome.InsufficientCapacity(Math.Min(available[departureId], availablePersons[departureId]), seats)
                    : new BookingOutcome.InsufficientCapacity(available[departureId], seats, availablePersons[departureId], passengers.Count);
            }
            else
            {
                available[departureId] -= seats;
                availablePersons[departureId] -= passengers.Count;
                // Time-ordered ids (UUID v7): new bookings and customers land at the right edge of their indexes, not on a random page each.
                accepted.Add(new NewBooking(i, departureId, Guid.CreateVersion7(), ConfirmationCode.New(), Guid.CreateVersion7(), passengers));
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
                update departures d
                set available_seats = d.available_seats - t.seats, available_persons = d.available_persons - t.persons, updated_at = now()
                from unnest(@TakenIds::uuid[], @TakenSeats::int[], @TakenPersons::int[]) as t(id, seats, persons)
                where d.id = t.id
            ), booked as (
                insert into bookings (id, confirmation_code, departure_id, customer_id, seats_booked, persons, total_price, status,
                                      full_name, email, phone, channel, idempotency_key, request_fingerprint, language)
                select b.id, b.code, b.departure_id, coalesce(upserted.id, b.customer_id), b.seats, b.persons, b.total_price, @Status,
                       b.full_name, b.email, b.phone, b.channel, b.idempotency_key, b.fingerprint, b.language
                from unnest(@Ids::uuid[], @Codes::text[], @DepartureIdsPer::uuid[], @CustomerIds::uuid[], @SeatCounts::int[], @PersonCounts::int[],
                            @Totals::numeric[], @Names::text[], @Emails::text[], @Phones::text[], @Channels::text[], @Keys::text[],
                            @Fingerprints::text[], @Languages::text[])
                     as b(id, code, departure_id, customer_id, seats, persons, total_price, full_name, email, phone, channel, idempotency_key,
                          fingerprint, language)
                left join upserted on lower(upserted.email) = lower(b.email)
                returning id, email, created_at
            ), aboard as (
                insert into passengers (booking_id, position, fare_type_id, takes_seat, full_name, birth_year, needs, needs_note, price)
                select p.booking_id, p.position, p.fare_type_id, p.takes_seat, p.full_name, p.birth_year, p.needs, p.needs_note, p.price
                from unnest(@PBookings::uuid[], @PPositions::int[], @PFares::uuid[], @PSeats::boolean[], @PNames::text[],
                            @PYears::int[], @PNeeds::text[], @PNotes::text[], @PPrices::numeric[])
                     as p(booking_id, position, fare_type_id, takes_seat, full_name, birth_year, needs, needs_note, price)
                where p.booking_id in (select id from booked)
            ), paid as (
                insert into payments (booking_id, kind, method, amount, taken_by)
                select b.id, @PaymentKind, b.method, b.total_price, b.actor
                from unnest(@Ids::uuid[], @Methods::text[], @Totals::numeric[], @Actors::text[]) as b(id, method, total_price, actor)
                where b.method is not null and b.total_price > 0 and b.id in (select id from booked)
            ), history as (
                insert into booking_events (booking_id, kind, actor, summary)
                select e.id, e.kind, e.actor, e.summary
                from unnest(@EIds::uuid[], @EKinds::text[], @EActors::text[], @ESummaries::text[]) as e(id, kind, actor, summary)
                where e.id in (select id from booked)
            ), queued as (
                insert into email_outbox (kind, booking_id, recipient)
                select @EmailKind, booked.id, booked.email
                from booked
                where booked.email is not null
            )
            select min(created_at) from booked
            """;
        BookingCommand Command(NewBooking a) => batch[a.Index].Command;
        var aboard = accepted.SelectMany(a => a.Passengers.Select(p => (a.BookingId, p))).ToList();
        var history = accepted.SelectMany(a => History(a, Command(a))).ToList();
        var taken = accepted.GroupBy(a => a.DepartureId).Select(g => (Id: g.Key, Seats: g.Sum(a => a.Seats), Persons: g.Sum(a => a.Passengers.Count)))
            .OrderBy(t => t.Id).ToList();
        var createdAt = await scope.Connection.ExecuteScalarAsync<DateTime>(scope.Command(takeSeats, new
        {
            TakenIds = taken.Select(t => t.Id).ToArray(),
            TakenSeats = taken.Select(t => t.Seats).ToArray(),
            TakenPersons = taken.Select(t => t.Persons).ToArray(),
            Status = BookingStatus.Confirmed.Name(),
            Ids = accepted.Select(a => a.BookingId).ToArray(),
            DepartureIdsPer = accepted.Select(a => a.DepartureId).ToArray(),
            Codes = accepted.Select(a => a.Code).ToArray(),
            CustomerIds = accepted.Select(a => a.CustomerId).ToArray(),
            SeatCounts = accepted.Select(a => a.Seats).ToArray(),
            PersonCounts = accepted.Select(a => a.Passengers.Count).ToArray(),
            Totals = accepted.Select(a => a.TotalPrice).ToArray(),
            Names = accepted.Select(a => Command(a).Booking.Customer.FullName).ToArray(),
            Emails = accepted.Select(a => Command(a).Booking.Customer.Email).ToArray(),
            Phones = accepted.Select(a => Command(a).Booking.Customer.Phone).ToArray(),
            Channels = accepted.Select(a => Command(a).Channel.ToString().ToLowerInvariant()).ToArray(),
            Keys = accepted.Select(a => Command(a).IdempotencyKey).ToArray(),
            Fingerprints = accepted.Select(a => Command(a).IdempotencyKey is null ? null : batch[a.Index].Fingerprint).ToArray(),
            Languages = accepted.Select(a => Command(a).Language ?? "en").ToArray(),
            EmailKind = EmailKinds.BookingConfirmed,
            PBookings = aboard.Select(x => x.BookingId).ToArray(),
            PPositions = aboard.Select(x => x.p.Position).ToArray(),
            PFares = aboard.Select(x => x.p.FareTypeId).ToArray(),
            PSeats = aboard.Select(x => x.p.TakesSeat).ToArray(),
            PNames = aboard.Select(x => x.p.FullName).ToArray(),
            PYears = aboard.Select(x => x.p.BirthYear).ToArray(),
            PNeeds = aboard.Select(x => x.p.Needs).ToArray(),
            PNotes = aboard.Select(x => x.p.NeedsNote).ToArray(),
            PPrices = aboard.Select(x => x.p.Price).ToArray(),
            PaymentKind = Payments.PaymentKind.Payment,
            Methods = accepted.Select(a => Command(a).PaymentMethod).ToArray(),
            Actors = accepted.Select(a => ActorOf(Command(a))).ToArray(),
            EIds = history.Select(e => e.BookingId).ToArray(),
            EKinds = history.Select(e => e.Kind).ToArray(),
            EActors = history.Select(e => e.Actor).ToArray(),
            ESummaries = history.Select(e => e.Summary).ToArray(),
        }));
        scope.EmailsQueued();
        if (beforeCommit is not null)
        {
            await beforeCommit(accepted.Select(a => a.BookingId).ToList());
        }
        await scope.CommitAsync();

        log.LogInformation("Booked {Count} booking(s), {Seats} seats, {Persons} persons, on {Departures} departure(s) in one transaction of {BatchSize} ({Skipped} left for later)",
            accepted.Count, taken.Sum(t => t.Seats), taken.Sum(t => t.Persons), taken.Count, batch.Count, skipped);

        foreach (var a in accepted)
        {
            var booking = Command(a).Booking;
            var departure = departures[a.DepartureId];
            var departureId = a.DepartureId;
            outcomes[a.Index] = new BookingOutcome.Confirmed(new BookingConfirmation(
                a.BookingId, a.Code, BookingStatus.Confirmed, departureId, departure.BoatName, departure.DepartureTime,
                departure.Destination, a.Seats, a.TotalPrice, booking.Customer.Email, booking.Customer.FullName,
                booking.Customer.Phone, createdAt, Command(a).Language ?? "en")
            {
                Passengers = a.Passengers.Select(p => new BookedPassenger(p.Position, p.Fare, p.FareName, p.TakesSeat, p.FullName, p.Price)).ToList(),
            }, Replayed: false);
        }
        return outcomes;
    }

    /// <summary>Who made the booking, for its history and the payment: the staff member at the desk, else the channel.</summary>
    private static string ActorOf(BookingCommand command) =>
        command.Actor ?? command.Channel switch
        {
            BookingChannel.Api => "api",
            BookingChannel.Desk => "desk",
            _ => BookingCancellation.Customer,
        };

    /// <summary>The new booking's first history lines: what was booked, and the payment taken with the sale.</summary>
    private static IEnumerable<BookingEvent> History(NewBooking booking, BookingCommand command)
    {
        var fares = string.Join(", ", booking.Passengers.GroupBy(p => p.FareName).Select(g => $"{g.Count()} {g.Key}"));
        var where = command.Channel switch
        {
            BookingChannel.Desk => "at the desk",
            BookingChannel.Api => "through the API",
            _ => "online",
        };
        var actor = ActorOf(command);
        yield return new BookingEvent(booking.BookingId, BookingEventKind.Created, actor,
            $"Booked {BookingEvent.Plural(booking.Passengers.Count, "passenger")} ({fares}), {BookingEvent.Plural(booking.Seats, "seat")}, total {BookingEvent.Money(booking.TotalPrice)}, {where}");
        if (command.PaymentMethod is { } method && booking.TotalPrice > 0)
        {
            yield return new BookingEvent(booking.BookingId, BookingEventKind.Paid, actor,
                $"Paid {BookingEvent.Money(booking.TotalPrice)} by {Payments.PaymentMethod.Label(method).ToLowerInvariant()} with the sale");
        }
    }

    /// <summary>The booking's passengers at this departure's prices (read under its lock); without a list, that many adults at
    /// <c>price_per_seat</c>, the first named after the booker. Null when a passenger's fare is not sold on the departure.</summary>
    private static IReadOnlyList<PricedPassenger>? Price(ValidBooking booking, IReadOnlyDictionary<string, LockedFare> fares, decimal pricePerSeat)
    {
        if (booking.Passengers is not { } list)
        {
            var adult = fares[FareType.Adult];
            return Enumerable.Range(1, booking.Seats)
                .Select(n => new PricedPassenger(n, adult.FareTypeId, adult.Code, adult.Name, true, n == 1 ? booking.Customer.FullName : null, null, null, null, pricePerSeat))
                .ToList();
        }
        var priced = new List<PricedPassenger>(list.Count);
        foreach (var p in list)
        {
            if (!fares.TryGetValue(p.Fare, out var fare))
            {
                return null;
            }
            priced.Add(new PricedPassenger(priced.Count + 1, fare.FareTypeId, fare.Code, fare.Name, fare.TakesSeat, p.FullName, p.BirthYear, p.Needs, p.NeedsNote, fare.Price));
        }
        return priced;
    }

    private sealed record PricedPassenger(
        int Position, Guid FareTypeId, string Fare, string FareName, bool TakesSeat, string? FullName, int? BirthYear, string? Needs, string? NeedsNote, decimal Price);

    private sealed record NewBooking(int Index, Guid DepartureId, Guid BookingId, string Code, Guid CustomerId, IReadOnlyList<PricedPassenger> Passengers)
    {
        public int Seats => Passengers.Count(p => p.TakesSeat);

        public decimal TotalPrice => Passengers.Sum(p => p.Price);
    }

    private sealed record LockedFare(Guid DepartureId, Guid FareTypeId, string Code, string Name, bool TakesSeat, decimal Price);

    private sealed record EarlierPassenger(Guid BookingId, int Position, string Fare, string FareName, bool TakesSeat, string? FullName, decimal Price);

    private sealed record BookedDeparture(
        Guid Id, DepartureStatus Status, DateTime DepartureTime, string Destination, int AvailableSeats, int AvailablePersons, decimal PricePerSeat, string BoatName);

    private sealed record EarlierBooking(
        Guid BookingId, string ConfirmationCode, BookingStatus Status, Guid DepartureId, string BoatName, DateTime DepartureTime,
        string Destination, int SeatsBooked, decimal TotalPrice, string? Email, string FullName, string Phone,
        DateTime CreatedAt, string? RequestFingerprint, string IdempotencyKey)
    {
        public BookingConfirmation ToConfirmation(IEnumerable<EarlierPassenger> passengers) => new(
            BookingId, ConfirmationCode, Status, DepartureId, BoatName, DepartureTime, Destination, SeatsBooked,
            TotalPrice, Email, FullName, Phone, CreatedAt)
        {
            Passengers = passengers.Select(p => new BookedPassenger(p.Position, p.Fare, p.FareName, p.TakesSeat, p.FullName, p.Price)).ToList(),
        };
    }
}
