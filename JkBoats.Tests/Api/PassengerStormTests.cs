using System.Text.Json;
using JkBoats.Tests.Infrastructure;
using Xunit.Abstractions;

namespace JkBoats.Tests.Api;

/// <summary>Families with children and infants fighting over one departure: seats and persons on board never exceed their limits,
/// every passenger list matches its booking's counts, and every refusal is the insufficient-capacity 400.</summary>
[Collection(AppCollection.Name)]
public sealed class PassengerStormTests(AppFixture fixture, ITestOutputHelper output)
{
    private readonly HttpClient _http = fixture.CreateClient();

    /// <summary>A party of 1–3 seat-takers (adults, children, seniors) and up to as many infants on laps, from the seed.</summary>
    public static (string Json, int Seats, int Persons) Party(Guid departureId, int seed)
    {
        var random = new Random(seed);
        var seated = random.Next(1, 4);
        var laps = random.Next(0, seated + 1);
        string[] seatFares = ["adult", "child", "senior"];
        var passengers = Enumerable.Range(0, seated).Select(i => new { fare = i == 0 ? "adult" : seatFares[random.Next(3)], full_name = $"Passenger {seed}.{i}" })
            .Concat(Enumerable.Range(0, laps).Select(i => new { fare = "infant", full_name = $"Baby {seed}.{i}" }));
        var json = JsonSerializer.Serialize(new
        {
            departure_id = departureId,
            customer = TestData.Customer(),
            passengers,
        });
        return (json, seated, seated + laps);
    }

    [Fact]
    public async Task Two_hundred_and_forty_concurrent_family_bookings_never_exceed_the_seats_or_the_persons_on_board()
    {
        // Persons run out before seats: about 1.5 persons per seat are asked for, the boat is certified for 1.2.
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 40, fares: TestData.FamilyFares, maxPersons: 48);

        var attempts = await Storm.RunAsync(240, seed: 14, async (i, _) =>
        {
            var party = Party(departure.DepartureId, 1000 + i);
            var answer = await BookingApi.PostRawAsync(_http, party.Json);
            return new StormAttempt(party.Persons * 100 + party.Seats, answer.Status,
                answer.Status == 201 ? null : answer.Body.ValueKind == JsonValueKind.Object ? answer.Body.GetProperty("error").GetString() : "no body");
        });

        var confirmed = attempts.Where(a => a.Status == 201).ToList();
        var seats = await fixture.Data.SeatStateAsync(departure.DepartureId);
        var persons = await fixture.Data.PersonStateAsync(departure.DepartureId);
        output.WriteLine($"family storm: {confirmed.Count} booked, {seats.ConfirmedSeats}/40 seats, {persons.ConfirmedPersons}/48 persons; statuses " +
            string.Join(", ", attempts.GroupBy(a => (a.Status, a.Error)).Select(g => $"{g.Key.Status} {g.Key.Error}x{g.Count()}")));
        Assert.All(attempts.Where(a => a.Status != 201), a => Assert.Equal((400, "insufficient_capacity"), (a.Status, a.Error)));
        Assert.Contains(attempts, a => a.Status != 201);
        Assert.Equal(confirmed.Sum(a => a.Seats % 100), seats.ConfirmedSeats);
        Assert.Equal(confirmed.Sum(a => a.Seats / 100), persons.ConfirmedPersons);
        Assert.Equal(40, seats.ConfirmedSeats + seats.AvailableSeats);
        Assert.Equal(48, persons.ConfirmedPersons + persons.AvailablePersons);
        Assert.InRange(persons.ConfirmedPersons, 1, 48);
        Assert.Equal((seats.ConfirmedSeats, persons.ConfirmedPersons), (persons.ConfirmedSeatPassengers, persons.ConfirmedPassengers));
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }
}
