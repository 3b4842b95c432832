using Dapper;
using JkBoats.Migrations;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Migrations;

/// <summary>Bookings made before fares become adult passengers; departures get a persons limit, prices and a price list; down and up
/// again keep every booking's seats and price.</summary>
public sealed class FareMigrationTests
{
    private const long BeforeFares = 202612011000;
    private const long Fares = 202612021100;

    [Fact]
    public async Task Existing_bookings_become_adult_passengers_and_the_fares_migration_goes_down_and_up_again()
    {
        var server = await SharedPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync($"jkboats_faremig_{Guid.NewGuid():N}"[..40]);
        await using var db = NpgsqlDataSource.Create(connectionString);
        DatabaseMigrator.MigrateUpTo(connectionString, BeforeFares);

        Guid departureId, bookingId, cancelledId;
        await using (var connection = await db.OpenConnectionAsync())
        {
            var boatId = await connection.ExecuteScalarAsync<Guid>("insert into boats (name, capacity) values ('Old Boat', 10) returning id");
            departureId = await connection.ExecuteScalarAsync<Guid>("""
                insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
                values (@boatId, now() + interval '2 days', 'Hydra', 33.33, 10, 7) returning id
                """, new { boatId });
            var customerId = await connection.ExecuteScalarAsync<Guid>(
                "insert into customers (email, full_name, phone) values ('old@example.com', 'Old Customer', '+14155550100') returning id");
            bookingId = await connection.ExecuteScalarAsync<Guid>("""
                insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, total_price, full_name, email, phone, checked_in_at)
                values ('JKB-OLD001', @departureId, @customerId, 3, 100.00, 'Old Customer', 'old@example.com', '+14155550100', now())
                returning id
                """, new { departureId, customerId });
            cancelledId = await connection.ExecuteScalarAsync<Guid>("""
                insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, total_price, status, full_name, email, phone)
                values ('JKB-OLD002', @departureId, @customerId, 2, 66.66, 'cancelled', 'Old Customer', 'old@example.com', '+14155550100')
                returning id
                """, new { departureId, customerId });
        }

        DatabaseMigrator.MigrateUp(connectionString);
        await using (var connection = await db.OpenConnectionAsync())
        {
            var passengers = (await connection.QueryAsync<(int Position, string Fare, bool TakesSeat, string? Name, decimal Price, bool CheckedIn)>("""
                select p.position, f.code, p.takes_seat, p.full_name, p.price, p.checked_in_at is not null
                from passengers p join fare_types f on f.id = p.fare_type_id where p.booking_id = @bookingId order by p.position
                """, new { bookingId })).AsList();
            Assert.Equal([(1, "adult", true, "Old Customer", 33.34m, true), (2, "adult", true, null, 33.33m, true), (3, "adult", true, null, 33.33m, true)],
                passengers);
            Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select count(*) from passengers where booking_id = @cancelledId", new { cancelledId }));
            Assert.Equal((3, 10, 10, 7), await connection.QuerySingleAsync<(int, int, int, int)>("""
                select bk.persons, d.max_persons, b.max_persons, d.available_persons
                from bookings bk join departures d on d.id = bk.departure_id join boats b on b.id = d.boat_id where bk.id = @bookingId
                """, new { bookingId }));
            Assert.Equal(["adult 33.33", "child 16.67", "senior 26.66", "infant 0.00"], (await connection.QueryAsync<string>("""
                select f.code || ' ' || df.price from departure_fares df join fare_types f on f.id = df.fare_type_id
                where df.departure_id = @departureId order by f.sort_order
                """, new { departureId })).AsList());
            Assert.Equal(4, await connection.ExecuteScalarAsync<int>("select count(*) from destination_fares where destination = 'Hydra'"));
        }
        var after = new TestData(db);
        Assert.Empty(await after.InvariantViolationsAsync());

        DatabaseMigrator.MigrateDownTo(connectionString, BeforeFares);
        await using (var connection = await db.OpenConnectionAsync())
        {
            Assert.Equal([(3, 100.00m), (2, 66.66m)], (await connection.QueryAsync<(int, decimal)>(
                "select seats_booked, total_price from bookings order by confirmation_code")).AsList());
            Assert.Null(await connection.ExecuteScalarAsync<string>("select to_regclass('public.passengers')::text"));
        }

        DatabaseMigrator.MigrateUp(connectionString);
        Assert.Equal(DatabaseMigrator.LatestVersion, await DatabaseMigrator.AppliedVersionAsync(db, CancellationToken.None));
        await using (var connection = await db.OpenConnectionAsync())
        {
            Assert.Equal(5, await connection.ExecuteScalarAsync<int>("select count(*) from passengers"));
        }
        Assert.Empty(await after.InvariantViolationsAsync());
    }
}
