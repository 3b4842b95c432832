using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class MetricsStormTests(AppFixture fixture)
{
    [Fact]
    public async Task After_a_storm_on_one_departure_the_counters_match_the_answers_the_clients_got()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 40);
        var api = fixture.CreateClient();
        var before = await MetricsScrape.ReadAsync(api);

        var attempts = await Storm.RunAsync(120, seed: 6, async (_, seats) =>
        {
            var answer = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, seats));
            return new StormAttempt(seats, answer.Status, null);
        });

        var after = await MetricsScrape.ReadAsync(api);
        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        var confirmed = attempts.Count(a => a.Status == 201);
        var refused = attempts.Count(a => a.Status == 400);
        var busy = attempts.Count(a => a.Status == 503);
        Assert.Equal(attempts.Count, confirmed + refused + busy);
        Assert.Equal(confirmed, Delta("jkboats_booking_requests_total", ("outcome", "confirmed"), ("channel", "api")));
        Assert.Equal(refused, Delta("jkboats_booking_requests_total", ("outcome", "insufficient_capacity"), ("channel", "api")));
        Assert.Equal(busy, Delta("jkboats_booking_requests_total", ("outcome", "busy"), ("channel", "api")));
        // Concurrent requests for one departure are decided in batches, one locked transaction each: one lock wait
        // and one retry count per transaction, so between one and one per request.
        var transactions = Delta("jkboats_transaction_retries_count", ("operation", "book"));
        Assert.InRange(transactions, 1, confirmed + refused);
        Assert.InRange(Delta("jkboats_departure_lock_wait_seconds_count", ("operation", "book")), transactions, confirmed + refused + 3 * transactions);
        Assert.Equal(40, attempts.Where(a => a.Status == 201).Sum(a => a.Seats) + (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);

        var sample = string.Join('\n', after.Text.Split('\n').Where(line =>
            line.StartsWith("jkboats_") || line.StartsWith("# HELP jkboats_") || line.Contains("endpoint=\"/api/bookings\"")));
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "jkboats-metrics-after-storm.txt"), sample);
    }
}
