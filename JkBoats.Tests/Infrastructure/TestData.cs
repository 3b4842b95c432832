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

    public async Task<TestDeparture> CreateDepartureAsync(
        int capacity = 50, decimal price = 25.00m, DateTime? departureTime = null, string? destination = null, bool hasAc = true)
    {
        var boatName = $"Test Boat {Guid.NewGuid().ToString()[..8]}";
        destination ??= $"Test Harbour {Guid.NewGuid().ToString()[..8]}";
        var when = departureTime ?? DateTime.UtcNow.AddDays(3).Date.AddHours(9);
        await using var connection = await db.OpenConnectionAsync();
        var boatId = await connection.ExecuteScalarAsync<Guid>(
            "insert into boats (name, capacity, has_ac) values (@boatName, @capacity, @hasAc) returning id",
            new { boatName, capacity, hasAc });
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
            select d.id
            from departures d
            left join bookings b on b.departure_id = d.id and b.status = 'confirmed'
            group by d.id
            having d.available_seats + coalesce(sum(b.seats_booked), 0) <> d.capacity
                or d.available_seats < 0 or d.available_seats > d.capacity
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
