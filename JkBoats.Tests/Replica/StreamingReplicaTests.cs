using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapper;
using JkBoats.Data;
using Microsoft.Extensions.DependencyInjection;
using JkBoats.Migrations;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Replica;

/// <summary>A real primary and a real streaming replica (pg_basebackup) on this machine. Listings and look-ups are served from
/// the replica, so while its replay is paused they lag; bookings always re-check on the primary and are unaffected.</summary>
public sealed class StreamingReplicaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ReplayTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Listings_come_from_the_replica_and_bookings_are_unaffected_by_its_lag()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = bounded.Token;
        var clock = Stopwatch.StartNew();

        await using var primary = await PostgresServer.StartLocalPrimaryAsync(ct);
        await using var replica = await primary.StartStreamingReplicaAsync(ct);
        var startedAt = clock.Elapsed;

        // The database and its schema are made on the primary after the base backup: the replica gets them by streaming.
        var connectionString = await primary.CreateDatabaseAsync("jkboats_replica", ct);
        DatabaseMigrator.MigrateUp(connectionString);
        var replicaConnectionString = replica.ConnectionStringFor(connectionString);
        await using var primaryDb = NpgsqlDataSource.Create(connectionString);
        await using var replicaDb = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(replicaConnectionString) { Pooling = false }.ConnectionString);
        await WaitForReplayAsync(primaryDb, replica, ct);
        await using (var connection = await replicaDb.OpenConnectionAsync(ct))
        {
            Assert.True(await connection.ExecuteScalarAsync<bool>("select pg_is_in_recovery()"));
            Assert.Equal(DatabaseMigrator.LatestVersion, await DatabaseMigrator.AppliedVersionAsync(replicaDb, ct));
            await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("create table nope (id int)")); // read-only
        }
        output.WriteLine($"primary and replica up in {startedAt.TotalSeconds:0.0} s; migrations replayed by {clock.Elapsed.TotalSeconds:0.0} s");

        var data = new TestData(primaryDb);
        var destination = $"Replica Cove {Guid.NewGuid().ToString()[..8]}";
        var day = DateTime.UtcNow.AddDays(3).Date;
        var first = await data.CreateDepartureAsync(capacity: 20, departureTime: day.AddHours(9), destination: destination);
        await WaitForReplayAsync(primaryDb, replica, ct);

        await using var app = new JkBoatsApp(connectionString,
            new Dictionary<string, string?> { ["Email:Worker:Enabled"] = "false" },
            replicaConnectionString: replicaConnectionString);
        using var http = app.CreateHttpClient();
        var listingPath = $"/api/boats?destination={Uri.EscapeDataString(destination)}&date={day:yyyy-MM-dd}";
        // Replayed is not yet visible to a new snapshot on a busy standby for a moment: give it a bounded few seconds.
        var before = Array.Empty<(Guid DepartureId, int Seats)>();
        await Eventually.HoldsAsync(async () => (before = await ListingAsync(http, listingPath)).Length > 0, TimeSpan.FromSeconds(5),
            "the replayed departure on the replica's listing", every: TimeSpan.FromMilliseconds(100), ct: ct);
        Assert.Equal(new[] { (first.DepartureId, 20) }, before);
        var ready = await http.GetAsync("/health/ready", ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(ct));

        // (a) Replay paused: the replica stops at this point while the primary moves on.
        await using (var connection = await replicaDb.OpenConnectionAsync(ct))
        {
            await connection.ExecuteAsync("select pg_wal_replay_pause()");
            await Eventually.HoldsAsync(async () => await connection.ExecuteScalarAsync<string>("select pg_get_wal_replay_pause_state()") == "paused",
                ReplayTimeout, "the replica's replay to pause", every: TimeSpan.FromMilliseconds(50), ct: ct);
        }
        var pausedAt = clock.Elapsed;
        var second = await data.AddDepartureAsync(first, day.AddHours(15));
        await Task.Delay(ListingCacheMaxAge, ct); // the listing cache expires by time only: outwait it so nothing below is served from it

        // The new departure is on the primary only: listings, the departure's public pages and destinations miss it.
        Assert.Equal(before, await ListingAsync(http, listingPath));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/boats/{second.BoatId}/departures/{second.DepartureId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/departures/{second.DepartureId}", ct)).StatusCode);

        // (b) Booking it, and the one the listing shows, works: the booking engine locks and re-checks on the primary.
        var email = $"replica-{Guid.NewGuid():N}@example.com";
        var bookSecond = await BookingApi.PostAsync(http, BookingApi.Body(second.DepartureId, 3, TestData.Customer(email)), Guid.NewGuid().ToString());
        Assert.Equal(201, bookSecond.Status);
        var bookFirst = await BookingApi.PostAsync(http, BookingApi.Body(first.DepartureId, 2, TestData.Customer(email)), Guid.NewGuid().ToString());
        Assert.Equal(201, bookFirst.Status);
        // The confirmation page reads the booking from the primary, so it is there at once.
        var confirmation = await http.GetAsync(await ConfirmationPages.PathAsync(app.Services, bookSecond.Body.GetProperty("booking_id").GetGuid()), ct);
        Assert.Equal(HttpStatusCode.OK, confirmation.StatusCode);
        // Ten more leave 7; eight more are refused on the primary's numbers, whatever the replica says.
        var bookTen = await BookingApi.PostAsync(http, BookingApi.Body(second.DepartureId, 10, TestData.Customer(email)), Guid.NewGuid().ToString());
        Assert.Equal(201, bookTen.Status);
        var refused = await BookingApi.PostAsync(http, BookingApi.Body(second.DepartureId, 8, TestData.Customer(email)), Guid.NewGuid().ToString());
        Assert.Equal(400, refused.Status);
        Assert.Equal(7, refused.Body.GetProperty("available_seats").GetInt32());

        // Seats are right on the primary and the invariant holds there; the replica still shows the old picture.
        var secondOnPrimary = await data.SeatStateAsync(second.DepartureId);
        var firstOnPrimary = await data.SeatStateAsync(first.DepartureId);
        Assert.Equal((20, 7, 13), (secondOnPrimary.Capacity, secondOnPrimary.AvailableSeats, secondOnPrimary.ConfirmedSeats));
        Assert.Equal((20, 18, 2), (firstOnPrimary.Capacity, firstOnPrimary.AvailableSeats, firstOnPrimary.ConfirmedSeats));
        Assert.Empty(await data.InvariantViolationsAsync());
        await Task.Delay(ListingCacheMaxAge, ct);
        var lagging = await ListingAsync(http, listingPath);
        Assert.Equal(before, lagging); // 20 free on the listing, 18 on the primary
        var lookupWhilePaused = await http.GetAsync($"/api/bookings?email={Uri.EscapeDataString(email)}", ct);
        Assert.Equal(0, (await Json(lookupWhilePaused)).GetProperty("bookings").GetArrayLength());
        var pausedFor = clock.Elapsed - pausedAt;

        // Replay resumed: the replica catches up and the listings show what the primary has.
        await using (var connection = await replicaDb.OpenConnectionAsync(ct))
        {
            await connection.ExecuteAsync("select pg_wal_replay_resume()");
        }
        var resumedAt = clock.Elapsed;
        await WaitForReplayAsync(primaryDb, replica, ct);
        var caughtUpAfter = clock.Elapsed - resumedAt;
        var expected = new[] { (first.DepartureId, 18), (second.DepartureId, 7) };
        var after = Array.Empty<(Guid DepartureId, int Seats)>();
        await Eventually.HoldsAsync(async () => (after = await ListingAsync(http, listingPath)).SequenceEqual(expected), ReplayTimeout,
            "the caught-up replica's listing", every: TimeSpan.FromMilliseconds(100), ct: ct);
        Assert.Equal(expected, after);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/departures/{second.DepartureId}", ct)).StatusCode);
        var lookup = await Json(await http.GetAsync($"/api/bookings?email={Uri.EscapeDataString(email)}", ct));
        Assert.Equal(3, lookup.GetProperty("bookings").GetArrayLength());

        // The replica stopped: listings fall back to the primary and readiness is degraded (still 200), not unhealthy.
        var reads = app.Services.GetRequiredService<ReadDataSource>();
        Assert.True(reads.HasReplica);
        Assert.Equal(0, reads.Fallbacks);
        await replica.StopAsync(ct);
        await Task.Delay(ListingCacheMaxAge, ct);
        Assert.Equal(expected, await ListingAsync(http, listingPath));
        Assert.Equal(1, reads.Fallbacks);
        var degraded = await http.GetAsync("/health/ready", ct);
        Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
        Assert.Equal("Degraded", await degraded.Content.ReadAsStringAsync(ct));
        var booking = await BookingApi.PostAsync(http, BookingApi.Body(first.DepartureId, 1, TestData.Customer(email)), Guid.NewGuid().ToString());
        Assert.Equal(201, booking.Status);
        Assert.Empty(await data.InvariantViolationsAsync());

        output.WriteLine(
            $"replay paused {pausedFor.TotalSeconds:0.0} s: listing showed {lagging.Length} departure(s) with {lagging[0].Seats} free while the primary had 2 " +
            $"departures with 18 and 7 free after 4 bookings (3 confirmed, 1 refused with available_seats=7); caught up {caughtUpAfter.TotalMilliseconds:0} ms after resume; " +
            $"replica stopped: listing from the primary, /health/ready Degraded; total {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static readonly TimeSpan ListingCacheMaxAge = JkBoats.Web.Infrastructure.ListingCache.MaxAge + TimeSpan.FromMilliseconds(100);

    private static async Task<(Guid DepartureId, int Seats)[]> ListingAsync(HttpClient http, string path)
    {
        var body = await BookingApi.GetJsonAsync(http, path);
        return body.GetProperty("boats").EnumerateArray()
            .Select(b => (b.GetProperty("departure_id").GetGuid(), b.GetProperty("available_seats").GetInt32()))
            .ToArray();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task WaitForReplayAsync(NpgsqlDataSource primaryDb, PostgresServer replica, CancellationToken ct)
    {
        string target;
        await using (var connection = await primaryDb.OpenConnectionAsync(ct))
        {
            target = await connection.ExecuteScalarAsync<string>("select pg_current_wal_lsn()::text") ?? throw new InvalidOperationException("no LSN");
        }
        var admin = new NpgsqlConnectionStringBuilder(replica.AdminConnectionString) { Pooling = false }.ConnectionString;
        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(ct);
            return await connection.ExecuteScalarAsync<bool>(
                "select pg_is_in_recovery() and coalesce(pg_last_wal_replay_lsn() >= @target::pg_lsn, false)", new { target });
        }, ReplayTimeout, $"the replica to replay up to {target}", every: TimeSpan.FromMilliseconds(100), ct: ct);
    }
}
