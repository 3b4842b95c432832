using Dapper;
using Npgsql;

namespace JkBoats.Tests.Infrastructure;

public sealed record TestDeparture(Guid BoatId, Guid DepartureId, string BoatName, string Destination, DateTime DepartureTime, int Capacity, decimal PricePerSeat);

public sealed record SeatState(int Capacity, int AvailableSeats, int ConfirmedSeats, int ConfirmedBookings);

/// <summary>Test-only setup and inspection SQL. Tests arrange rows directly; the app under test books them.</summary>
public sealed class TestData(NpgsqlDataSource db)
{
    // Tests that never start the app still read snake_case columns into records.
    static TestData() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public NpgsqlDataSource Db => db;

    /// <summary>The price list a departure copies: child 12.50, senior 20.00, infant free (adult is the departure's price).</summary>
    public static readonly IReadOnlyDictionary<string, decimal> FamilyFares = new Dictionary<string, decimal>
    {
        ["child"] = 12.50m, ["senior"] = 20.00m, ["infant"] = 0m,
    };

    /// <param name="fares">A price list for the destination, copied to the departure when it is created; without one only the adult fare is sold.</param>
    /// <param name="maxPersons">The boat's certified persons on board; the seats when left out.</param>
    /// <summary>Ten seats, twelve persons, the family fares at $25 a seat, leaving in two hours (the desk's usual case).</summary>
    public Task<TestDeparture> CreateFamilyDepartureSoonAsync() =>
        CreateDepartureAsync(capacity: 10, price: 25m, fares: FamilyFares, maxPersons: 12, departureTime: DateTime.UtcNow.AddHours(2));

    public async Task<TestDeparture> CreateDepartureAsync(
        int capacity = 50, decimal price = 25.00m, DateTime? departureTime = null, string? destination = null, bool hasAc = true,
        IReadOnlyDictionary<string, decimal>? fares = null, int? maxPersons = null)
    {
        var boatName = $"Test Boat {Guid.NewGuid().ToString()[..8]}";
        destination ??= $"Test Harbour {Guid.NewGuid().ToString()[..8]}";
        var when = departureTime ?? DateTime.UtcNow.AddDays(3).Date.AddHours(9);
        await using var connection = await db.OpenConnectionAsync();
        if (fares is not null)
        {
            await SetPriceListAsync(destination, fares);
        }
        var boatId = await connection.ExecuteScalarAsync<Guid>(
            "insert into boats (name, capacity, max_persons, has_ac) values (@boatName, @capacity, @maxPersons, @hasAc) returning id",
            new { boatName, capacity, maxPersons = maxPersons ?? capacity, hasAc });
        var departureId = await connection.ExecuteScalarAsync<Guid>("""
            insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
            values (@boatId, @when, @destination, @price, @capacity, @capacity) returning id
            """, new { boatId, when, destination, price, capacity });
        return new TestDeparture(boatId, departureId, boatName, destination, when, capacity, price);
    }

    public async Task<TestDeparture> AddDepartureAsync(TestDeparture sameBoat, DateTime departureTime, string? destination = null, decimal? price = null)
    {
        await using var connection = await db.OpenConnectionAsync();
        var departureId = await connection.ExecuteScalarAsync<Guid>("""
            insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
            values (@BoatId, @departureTime, @destination, @price, @Capacity, @Capacity) returning id
            """, new { sameBoat.BoatId, departureTime, destination = destination ?? sameBoat.Destination, price = price ?? sameBoat.PricePerSeat, sameBoat.Capacity });
        return sameBoat with { DepartureId = departureId, DepartureTime = departureTime, Destination = destination ?? sameBoat.Destination, PricePerSeat = price ?? sameBoat.PricePerSeat };
    }

    public async Task SetPriceListAsync(string destination, IReadOnlyDictionary<string, decimal> fares)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            insert into destination_fares (destination, fare_type_id, price)
            select @destination, f.id, p.price from unnest(@codes, @prices) as p(code, price) join fare_types f on f.code = p.code
            on conflict ((lower(destination)), fare_type_id) do update set price = excluded.price
            """, new { destination, codes = fares.Keys.ToArray(), prices = fares.Values.ToArray() });
    }

    public sealed record PersonState(int MaxPersons, int AvailablePersons, int ConfirmedPersons, int ConfirmedSeatPassengers, int ConfirmedPassengers);

    /// <summary>The persons limit and what the confirmed bookings' passenger lists say.</summary>
    public async Task<PersonState> PersonStateAsync(Guid departureId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<PersonState>("""
            select d.max_persons, d.available_persons,
                   coalesce((select sum(b.persons) from bookings b where b.departure_id = d.id and b.status = 'confirmed'), 0)::int as confirmed_persons,
                   (select count(*) from passengers p join bookings b on b.id = p.booking_id
                    where b.departure_id = d.id and b.status = 'confirmed' and p.takes_seat)::int as confirmed_seat_passengers,
                   (select count(*) from passengers p join bookings b on b.id = p.booking_id
                    where b.departure_id = d.id and b.status = 'confirmed')::int as confirmed_passengers
            from departures d where d.id = @departureId
            """, new { departureId });
    }

    public async Task CancelDepartureAsync(Guid departureId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("update departures set status = 'cancelled', cancelled_at = now() where id = @departureId", new { departureId });
    }

    public async Task MoveIntoPastAsync(Guid departureId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("update departures set departure_time = now() - interval '1 hour' where id = @departureId", new { departureId });
    }

    public async Task<SeatState> SeatStateAsync(Guid departureId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<SeatState>("""
            select d.capacity, d.available_seats,
                   coalesce(sum(b.seats_booked) filter (where b.status = 'confirmed'), 0)::int as confirmed_seats,
                   (count(b.id) filter (where b.status = 'confirmed'))::int as confirmed_bookings
            from departures d left join bookings b on b.departure_id = d.id
            where d.id = @departureId
            group by d.id
            """, new { departureId });
    }

    public async Task<IReadOnlyList<Guid>> InvariantViolationsAsync()
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<Guid>("""
            with money as (
                select bk.id as booking_id,
                       coalesce((select sum(amount) from payments p where p.booking_id = bk.id and p.kind = 'payment'), 0) as paid,
                       coalesce((select sum(amount) from payments p where p.booking_id = bk.id and p.kind = 'refund'), 0) as refunded,
                       (select count(*) from payments p where p.booking_id = bk.id) as money_rows,
                       (select count(*) from booking_events e where e.booking_id = bk.id and e.kind in ('paid', 'refunded')) as money_events
                from bookings bk
            )
            select d.id
            from departures d
            left join bookings b on b.departure_id = d.id and b.status = 'confirmed'
            left join (select departure_id, sum(seats) as seats, sum(persons) as persons from waitlist_entries where status = 'offered'
                       group by departure_id) h on h.departure_id = d.id
            group by d.id, h.seats, h.persons
            having d.available_seats + d.held_seats + coalesce(sum(b.seats_booked), 0) <> d.capacity
                or d.available_seats < 0 or d.available_seats > d.capacity
                or d.available_persons + d.held_persons + coalesce(sum(b.persons), 0) <> d.max_persons
                or coalesce(sum(b.persons), 0) > d.max_persons
                or d.held_seats <> coalesce(h.seats, 0) or d.held_persons <> coalesce(h.persons, 0)
            union
            select p.departure_id
            from weather_choices c join weather_plans p on p.id = c.plan_id join bookings bk on bk.id = c.booking_id
            where c.state = 'waiting' and (bk.status <> 'confirmed' or bk.departure_id <> p.departure_id)
            union
            select bk.departure_id from bookings bk join money m on m.booking_id = bk.id
            where m.refunded > m.paid or m.money_rows <> m.money_events
            """);
        return rows.AsList();
    }

    public async Task<long> CountAsync(string table)
    {
        var sql = table switch
        {
            "bookings" => "select count(*) from bookings",
            "customers" => "select count(*) from customers",
            "departures" => "select count(*) from departures",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    public static object Customer(string? email = null, string fullName = "Ada Lovelace", string phone = "+14155550132") =>
        new { email = email ?? $"guest-{Guid.NewGuid():N}@example.com", full_name = fullName, phone };
}
