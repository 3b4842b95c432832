using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Data;

/// <summary>Every row a booking writes gets a time-ordered id (UUID version 7), so the indexes on those ids and on booking_id grow at
/// their right edge: the booking and its customer named by the app, its passengers, payment and email named by the database.</summary>
[Collection(AppCollection.Name)]
public sealed class TimeOrderedIdsTests(AppFixture fixture)
{
    /// <summary>The version nibble and the Unix milliseconds of the first 48 bits (a version 4 id has random bits there).</summary>
    private static (int Version, DateTime Stamp) Read(Guid id)
    {
        var hex = id.ToString("N");
        return (Convert.ToInt32(hex[12..13], 16), DateTime.UnixEpoch.AddMilliseconds(Convert.ToInt64(hex[..12], 16)));
    }

    private static void AssertNew(Guid id, DateTime before, DateTime after, string what)
    {
        var (version, stamp) = Read(id);
        Assert.True(version == 7, $"{what} {id} is version {version}, not 7");
        Assert.InRange(stamp, before.AddSeconds(-5), after.AddSeconds(5)); // the database's clock and the test's may differ a little
    }

    [Fact]
    public async Task A_booking_its_customer_passengers_payment_and_email_get_version_7_ids_of_the_moment_they_were_made()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 25.00m, fares: TestData.FamilyFares, maxPersons: 12);
        var before = DateTime.UtcNow;
        var answer = await BookingApi.PostAsync(fixture.CreateClient(), new Dictionary<string, object?>
        {
            ["departure_id"] = departure.DepartureId,
            ["customer"] = TestData.Customer(email: $"ordered-{Guid.NewGuid():N}@example.com"),
            ["passengers"] = new object[] { new { fare = "adult", full_name = "Ida Order" }, new { fare = "child", full_name = "Ola Order" } },
        });
        var after = DateTime.UtcNow;
        Assert.Equal(201, answer.Status);
        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();

        await using var connection = await fixture.Db.OpenConnectionAsync();
        var customerId = await connection.ExecuteScalarAsync<Guid>("select customer_id from bookings where id = @bookingId", new { bookingId });
        var passengerIds = (await connection.QueryAsync<Guid>("select id from passengers where booking_id = @bookingId", new { bookingId })).AsList();
        var emailIds = (await connection.QueryAsync<Guid>("select id from email_outbox where booking_id = @bookingId", new { bookingId })).AsList();
        // A payment with its history line, as every payment has (the invariant watchdog checks the two agree).
        var paymentId = await connection.ExecuteScalarAsync<Guid>("""
            with paid as (
                insert into payments (booking_id, kind, method, amount, taken_by) values (@bookingId, 'payment', 'cash', 5, 'test') returning id
            ), history as (
                insert into booking_events (booking_id, kind, actor, summary) values (@bookingId, 'paid', 'test', 'Paid 5.00 by cash')
            )
            select id from paid
            """, new { bookingId });
        var afterPayment = DateTime.UtcNow;

        AssertNew(bookingId, before, after, "the booking");
        AssertNew(customerId, before, after, "its customer");
        Assert.Equal(2, passengerIds.Count);
        Assert.All(passengerIds, id => AssertNew(id, before, after, "a passenger"));
        Assert.Single(emailIds);
        AssertNew(emailIds[0], before, after, "its confirmation email");
        AssertNew(paymentId, before, afterPayment, "a payment");
    }

    [Fact]
    public async Task The_database_ids_are_version_7_with_the_rfc_variant_and_sort_in_the_order_they_were_made()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        // Long enough to cross many milliseconds; within one millisecond the rest of the id is random.
        var ids = (await connection.QueryAsync<(long N, Guid Id)>(
            "select n, uuid_v7() from generate_series(1, 20000) n")).OrderBy(r => r.N).Select(r => r.Id).ToList();

        Assert.All(ids, id =>
        {
            Assert.Equal(7, Read(id).Version);
            Assert.Contains(id.ToString("N")[16], "89ab"); // RFC 9562 variant: the top two bits of byte 8 are 10
        });
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var stamps = ids.Select(id => Read(id).Stamp).ToList();
        Assert.True(stamps.Zip(stamps.Skip(1)).All(p => p.First <= p.Second), "a later id carries an earlier time");
        Assert.True(stamps[^1] > stamps[0], "20,000 ids were made within one millisecond: the time part is not moving");
    }
}
