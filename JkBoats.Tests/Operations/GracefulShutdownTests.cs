using System.Diagnostics;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Operations;

/// <summary>SIGTERM to a real app process: readiness fails at once, the app keeps serving through the drain delay, then exits cleanly.</summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 120_000)]
    public async Task On_SIGTERM_readiness_turns_unhealthy_at_once_while_requests_are_served_until_the_drain_delay_ends()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_drain");
        await using var db = NpgsqlDataSource.Create(connectionString);
        var departure = await new TestData(db).CreateDepartureAsync(capacity: 100);
        await using var app = await AppProcess.StartAsync(connectionString,
            new Dictionary<string, string?> { ["JkBoats__Shutdown__DrainDelay"] = Drain.ToString("c") }, deadline.Token);
        using var http = app.CreateHttpClient(TimeSpan.FromSeconds(5));
        Assert.Equal(200, (int)(await http.GetAsync("/health/ready", deadline.Token)).StatusCode);
        Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1))).Status);

        var clock = Stopwatch.StartNew();
        app.Terminate();
        var unready = TimeSpan.MaxValue;
        var servedWhileDraining = 0;
        var bookedWhileDraining = 0;
        await Eventually.HoldsAsync(async () =>
        {
            var ready = await http.GetAsync("/health/ready", deadline.Token);
            if ((int)ready.StatusCode == 503)
            {
                unready = clock.Elapsed;
                return true;
            }
            Assert.Equal(200, (int)ready.StatusCode);
            return false;
        }, Drain, "readiness to turn unhealthy before the drain delay is over", ct: deadline.Token);
        // Not ready, but still serving: listings, bookings, liveness.
        // Stop well before the drain ends: on a loaded machine one round of four requests can take a second or more.
        while (clock.Elapsed < Drain - TimeSpan.FromSeconds(2))
        {
            Assert.Equal(503, (int)(await http.GetAsync("/health/ready", deadline.Token)).StatusCode);
            Assert.Equal(200, (int)(await http.GetAsync("/health/live", deadline.Token)).StatusCode);
            Assert.Equal(200, (int)(await http.GetAsync("/api/destinations", deadline.Token)).StatusCode);
            servedWhileDraining += 3;
            if (bookedWhileDraining < 5)
            {
                Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1))).Status);
                bookedWhileDraining++;
            }
            await Task.Delay(50, deadline.Token);
        }
        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the app did not exit after SIGTERM");
        var exited = clock.Elapsed;
        output.WriteLine($"SIGTERM: readiness 503 after {unready.TotalMilliseconds:0} ms; {servedWhileDraining} requests and " +
            $"{bookedWhileDraining} bookings served while draining; exited with {app.ExitCode} after {exited.TotalMilliseconds:0} ms (drain delay {Drain.TotalSeconds} s)");
        Assert.True(unready < TimeSpan.FromSeconds(2), $"readiness turned unhealthy only after {unready}");
        Assert.True(exited >= Drain, $"the app stopped after {exited}, before the drain delay");
        Assert.Equal(0, app.ExitCode);
        Assert.True(bookedWhileDraining >= 1);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("/health/live", deadline.Token));
    }
}
