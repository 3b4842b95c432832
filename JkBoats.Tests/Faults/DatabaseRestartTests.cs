using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using JkBoats.Migrations;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>PostgreSQL (a private cluster) stopped in the middle of a booking storm and started again: clients get 503s meanwhile,
/// never another error, and retrying with their idempotency keys each ends with exactly one booking and its email row.</summary>
public sealed class DatabaseRestartTests(ITestOutputHelper output)
{
    private const int Clients = 90;

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Stopping_PostgreSQL_mid_storm_loses_no_promise_and_retrying_clients_end_with_one_booking_each()
    {
        await using var server = await PostgresServer.StartLocalClusterAsync();
        var connectionString = await server.CreateDatabaseAsync("jkboats_restart");
        DatabaseMigrator.MigrateUp(connectionString);
        var departures = new List<TestDeparture>();
        await using (var setup = NpgsqlDataSource.Create(connectionString))
        {
            for (var i = 0; i < 3; i++)
            {
                departures.Add(await new TestData(setup).CreateDepartureAsync(capacity: 40));
            }
        }
        await using var app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["Email:Worker:Enabled"] = "false" });
        using var http = app.CreateHttpClient();
        var statuses = new ConcurrentBag<int>();
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(45);

        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            var key = $"restart-{i}-{Guid.NewGuid():N}";
            var body = BookingApi.Body(departures[i % 3].DepartureId, 1);
            await Task.Delay(i * 30); // spread over the outage
            while (clock.Elapsed < deadline)
            {
                try
                {
                    var answer = await BookingApi.PostAsync(http, body, key);
                    statuses.Add(answer.Status);
                    if (answer.Status == 201)
                    {
                        return (Key: key, BookingId: Guid.Parse(answer.Body.GetProperty("booking_id").GetString()!));
                    }
                    if (answer.Status != 503)
                    {
                        throw new Xunit.Sdk.XunitException($"client {i} got {answer.Status}: {answer.Body}");
                    }
                }
                catch (HttpRequestException)
                {
                    statuses.Add(0);
                }
                await Task.Delay(200);
            }
            throw new Xunit.Sdk.XunitException($"client {i} never booked");
        })).ToList();

        await Eventually.HoldsAsync(() => statuses.Count(s => s == 201) >= 10, TimeSpan.FromSeconds(20), "ten bookings before the outage");
        await server.StopAsync();
        var stoppedAt = clock.Elapsed;
        await Task.Delay(Outage);
        await server.StartAgainAsync();
        var startedAt = clock.Elapsed;
        var booked = await Task.WhenAll(clients);

        output.WriteLine($"stopped at {stoppedAt.TotalSeconds:0.0} s, started at {startedAt.TotalSeconds:0.0} s, all {Clients} clients booked by {clock.Elapsed.TotalSeconds:0.0} s; " +
            "answers " + string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString())}x{g.Count()}")));
        Assert.Contains(503, statuses);
        Assert.All(statuses, s => Assert.Contains(s, new[] { 0, 201, 503 }));

        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var connection = await db.OpenConnectionAsync();
        var byKey = (await connection.QueryAsync<(string Key, Guid Id)>("select idempotency_key, id from bookings")).ToList();
        Assert.Equal(Clients, byKey.Count);
        Assert.Equal(booked.Select(b => (b.Key, b.BookingId)).OrderBy(b => b.Key), byKey.OrderBy(b => b.Key));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from bookings b where not exists (select 1 from email_outbox o where o.booking_id = b.id)"));
        Assert.Empty(await new TestData(db).InvariantViolationsAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }
}
