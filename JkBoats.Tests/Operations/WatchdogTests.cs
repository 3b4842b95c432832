using System.Collections.Concurrent;
using System.Net;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace JkBoats.Tests.Operations;

/// <summary>Its own app and database: the test breaks the seat invariant on purpose, which must not leak into other tests.</summary>
public sealed class WatchdogTests : IAsyncLifetime
{
    private readonly CapturedLog _log = new();
    private JkBoatsApp _app = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_watchdog");
        _data = new TestData(Npgsql.NpgsqlDataSource.Create(connectionString));
        // The log sink is added the way an operator adds one (a Serilog sink the app picks up), not by replacing the logger.
        _app = new JkBoatsApp(connectionString, services: services => services.AddSingleton<ILogEventSink>(_log));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _data.Db.DisposeAsync();
    }

    [Theory]
    [InlineData(100, 60_000, 60_000)] // a quick check keeps the interval
    [InlineData(2_000, 60_000, 100_000)] // a 2 s check at 2% waits 100 s from its start
    [InlineData(20_000, 60_000, 240_000)] // ten times the schedule: capped at 4 minutes, so "watchdog alive" holds
    [InlineData(100, 300_000, 300_000)] // an interval set above the cap stays as set
    public void A_check_that_takes_long_stretches_the_interval_to_its_share_of_the_time(int tookMs, int intervalMs, int expectedMs)
    {
        var wait = JkBoats.Web.Operations.InvariantWatchdogService.NextWait(
            TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(tookMs), share: 0.02, longest: TimeSpan.FromMinutes(4));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public async Task A_corrupted_seat_count_raises_a_critical_log_a_metric_and_a_red_banner()
    {
        var departure = await _data.CreateDepartureAsync(capacity: 10);
        var untouched = await _data.CreateDepartureAsync(capacity: 10);
        var api = _app.CreateHttpClient();
        Assert.Equal(201, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 3))).Status);
        var manager = await StaffSession.SignInAsync(_app, _data.Db, StaffRoles.Agent);

        // Negative control: before the damage, an on-demand check finds nothing.
        Assert.Equal(HttpStatusCode.SeeOther, (await manager.SubmitAsync("/staff", "form[action*='Check']", [])).StatusCode);
        var healthy = await manager.GetDocumentAsync("/staff");
        Assert.Null(healthy.QuerySelector("#invariant-banner"));
        Assert.NotNull(healthy.QuerySelector("#invariant-ok"));
        Assert.Equal(0, (await MetricsScrape.ReadAsync(api)).Value("jkboats_invariant_violations"));

        // Test-only damage: two seats vanish without a booking, as an oversell bug would leave things.
        await using (var connection = await _data.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update departures set available_seats = available_seats - 2 where id = @id", new { id = departure.DepartureId });
        }

        Assert.Equal(HttpStatusCode.SeeOther, (await manager.SubmitAsync("/staff", "form[action*='Check']", [])).StatusCode);

        var page = await manager.GetDocumentAsync("/staff");
        var banner = page.QuerySelector("#invariant-banner");
        Assert.NotNull(banner);
        Assert.Equal("alert", banner.GetAttribute("role"));
        var flagged = banner.QuerySelectorAll("li[data-departure-id]").Select(li => li.GetAttribute("data-departure-id")).ToList();
        Assert.Equal([departure.DepartureId.ToString()], flagged);
        Assert.Equal($"/staff/departures/{departure.DepartureId}", banner.QuerySelector("li a")!.GetAttribute("href"));

        var scrape = await MetricsScrape.ReadAsync(api);
        Assert.Equal(1, scrape.Value("jkboats_invariant_violations"));
        Assert.True(scrape.Value("jkboats_invariant_violations_found_total") >= 1);

        var critical = _log.Events.Where(e => e.Level == LogEventLevel.Fatal).ToList();
        Assert.NotEmpty(critical);
        Assert.All(critical, e => Assert.Equal(departure.DepartureId.ToString(), ((ScalarValue)e.Properties["DepartureId"]).Value?.ToString()));
    }

    [Fact]
    public async Task Persons_out_of_step_and_a_passenger_list_that_disagrees_with_its_booking_are_each_flagged()
    {
        var persons = await _data.CreateDepartureAsync(capacity: 10, fares: TestData.FamilyFares, maxPersons: 12);
        var passengers = await _data.CreateDepartureAsync(capacity: 10, fares: TestData.FamilyFares, maxPersons: 12);
        var healthy = await _data.CreateDepartureAsync(capacity: 10, fares: TestData.FamilyFares, maxPersons: 12);
        var api = _app.CreateHttpClient();
        foreach (var departure in new[] { persons, passengers, healthy })
        {
            var family = $$"""
                {"departure_id":"{{departure.DepartureId}}","customer":{{System.Text.Json.JsonSerializer.Serialize(TestData.Customer())}},
                 "passengers":[{"fare":"adult"},{"fare":"child"},{"fare":"infant"}]}
                """;
            Assert.Equal(201, (await BookingApi.PostRawAsync(api, family)).Status);
        }
        var watchdog = _app.Services.GetRequiredService<JkBoats.Data.Operations.SeatInvariantWatchdog>();
        Assert.DoesNotContain((await watchdog.CheckAsync(CancellationToken.None)).Violations,
            v => v.DepartureId == persons.DepartureId || v.DepartureId == passengers.DepartureId || v.DepartureId == healthy.DepartureId);

        // Test-only damage: an infant's place vanishes on one departure; on another an infant is struck off a booking's list.
        await using (var connection = await _data.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update departures set available_persons = available_persons - 1 where id = @id", new { id = persons.DepartureId });
            await connection.ExecuteAsync("""
                delete from passengers where not takes_seat and booking_id in (select id from bookings where departure_id = @id)
                """, new { id = passengers.DepartureId });
        }

        var check = await watchdog.CheckAsync(CancellationToken.None);
        var flagged = check.Violations.Where(v => v.DepartureId == persons.DepartureId || v.DepartureId == passengers.DepartureId || v.DepartureId == healthy.DepartureId)
            .ToDictionary(v => v.DepartureId);
        Assert.Equal(new[] { persons.DepartureId, passengers.DepartureId }.Order(), flagged.Keys.Order());
        Assert.Equal((12, 8, 3), (flagged[persons.DepartureId].MaxPersons, flagged[persons.DepartureId].AvailablePersons, flagged[persons.DepartureId].ConfirmedPersons));
        Assert.Equal(1, flagged[passengers.DepartureId].BookingsOutOfStep);
    }

    [Fact]
    public async Task A_refund_above_what_was_paid_and_money_without_its_history_line_are_flagged()
    {
        var refunded = await _data.CreateDepartureAsync(capacity: 10);
        var unlogged = await _data.CreateDepartureAsync(capacity: 10);
        var healthy = await _data.CreateDepartureAsync(capacity: 10);
        var inventory = _app.Services.GetRequiredService<JkBoats.Data.Inventory.SeatInventory>();
        var api = _app.CreateHttpClient();
        var bookings = new Dictionary<Guid, Guid>();
        foreach (var departure in new[] { refunded, unlogged, healthy })
        {
            var id = (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2))).Body.GetProperty("booking_id").GetGuid();
            Assert.True((await inventory.TakePaymentAsync(new JkBoats.Data.Inventory.PaymentRequest(id, "payment", "cash", 10m, "agent@example.com"), CancellationToken.None)).Succeeded);
            bookings[departure.DepartureId] = id;
        }
        var watchdog = _app.Services.GetRequiredService<JkBoats.Data.Operations.SeatInvariantWatchdog>();
        var mine = new[] { refunded.DepartureId, unlogged.DepartureId, healthy.DepartureId };
        Assert.DoesNotContain((await watchdog.CheckAsync(CancellationToken.None)).Violations, v => mine.Contains(v.DepartureId));

        // Test-only damage: a refund larger than the payment (with its history line); a payment written without one.
        await using (var connection = await _data.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                insert into payments (booking_id, kind, method, amount, taken_by) values (@id, 'refund', 'cash', 15, 'test');
                insert into booking_events (booking_id, kind, actor, summary) values (@id, 'refunded', 'test', 'Refunded 15.00');
                """, new { id = bookings[refunded.DepartureId] });
            await connection.ExecuteAsync("insert into payments (booking_id, kind, method, amount, taken_by) values (@id, 'payment', 'cash', 5, 'test')",
                new { id = bookings[unlogged.DepartureId] });
        }

        var flagged = (await watchdog.CheckAsync(CancellationToken.None)).Violations.Where(v => mine.Contains(v.DepartureId)).ToDictionary(v => v.DepartureId);
        Assert.Equal(new[] { refunded.DepartureId, unlogged.DepartureId }.Order(), flagged.Keys.Order());
        Assert.All(flagged.Values, v => Assert.Equal(1, v.MoneyOutOfStep));
        Assert.Equal(new[] { refunded.DepartureId, unlogged.DepartureId }.Order(), (await _data.InvariantViolationsAsync()).Where(mine.Contains).Order());
    }

    private sealed class CapturedLog : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }
}
