using System.Diagnostics;
using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>A departure whose row lock an idle foreign transaction holds answers its bookings 503 busy within the lock timeout,
/// other departures book at once, and the server's idle-in-transaction timeout ends the session and frees the lock.</summary>
public sealed class StuckLockTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Bookings_on_a_departure_locked_by_an_idle_session_answer_busy_fast_others_book_and_the_server_cuts_the_session()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_stuck");
        await using var db = NpgsqlDataSource.Create(connectionString);
        var data = new TestData(db);
        await using (var admin = await db.OpenConnectionAsync())
        {
            // What operations.md asks for on the app's database: no transaction may sit idle for long.
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await admin.ExecuteAsync($"alter database \"{database}\" set idle_in_transaction_session_timeout = '3s'");
        }
        await using var app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:LockTimeout"] = "00:00:02" });
        using var http = app.CreateHttpClient();
        var stuck = await data.CreateDepartureAsync(capacity: 10);
        var free = await data.CreateDepartureAsync(capacity: 10);

        // Warm the app up first, so the timings below measure the lock and not the first request's compilation.
        Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(free.DepartureId, 1))).Status);
        await using var foreign = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await foreign.OpenAsync();
        var foreignPid = foreign.ProcessID;
        await using var tx = await foreign.BeginTransactionAsync();
        await foreign.ExecuteAsync("select id from departures where id = @id for update", new { id = stuck.DepartureId }, tx);
        var lockedAt = Stopwatch.StartNew();

        var blocked = Enumerable.Range(0, 5).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            var answer = await BookingApi.PostAsync(http, BookingApi.Body(stuck.DepartureId, 1));
            return (answer, clock.Elapsed);
        }).ToList();
        var otherClock = Stopwatch.StartNew();
        var other = await BookingApi.PostAsync(http, BookingApi.Body(free.DepartureId, 1));
        var otherElapsed = otherClock.Elapsed;
        var busy = await Task.WhenAll(blocked);

        output.WriteLine($"busy answers after {string.Join(", ", busy.Select(b => $"{b.Elapsed.TotalMilliseconds:0} ms"))}; other departure booked in {otherElapsed.TotalMilliseconds:0} ms");
        Assert.Equal(201, other.Status);
        Assert.True(otherElapsed < LockTimeout - TimeSpan.FromMilliseconds(500), $"other departure took {otherElapsed}");
        Assert.All(busy, b =>
        {
            Assert.Equal(503, b.answer.Status);
            Assert.Equal("busy", b.answer.Body.GetProperty("error").GetString());
            Assert.True(int.Parse(b.answer.Response.Headers.GetValues("Retry-After").Single()) >= 1);
            // Not before the lock timeout, and not stuck: well before the 5 s statement timeout even on a loaded CI machine.
            Assert.InRange(b.Elapsed, LockTimeout - TimeSpan.FromMilliseconds(200), LockTimeout + TimeSpan.FromSeconds(2.5));
        });

        // The server ends the idle transaction's session by itself; the lock goes with it.
        await using (var observer = await db.OpenConnectionAsync())
        {
            await Eventually.HoldsAsync(
                async () => !await observer.ExecuteScalarAsync<bool>("select exists (select 1 from pg_stat_activity where pid = @foreignPid)", new { foreignPid }),
                TimeSpan.FromSeconds(10) - lockedAt.Elapsed, "the server to cut the idle session", every: TimeSpan.FromMilliseconds(100));
        }
        output.WriteLine($"idle session cut {lockedAt.Elapsed.TotalMilliseconds:0} ms after taking the lock");
        Assert.InRange(lockedAt.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(8));
        await Assert.ThrowsAnyAsync<Exception>(() => foreign.ExecuteAsync("select 1", transaction: tx));
        Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(stuck.DepartureId, 1))).Status);
        Assert.Equal(new SeatState(10, 9, 1, 1), await data.SeatStateAsync(stuck.DepartureId));
        Assert.Empty(await data.InvariantViolationsAsync());
    }
}
