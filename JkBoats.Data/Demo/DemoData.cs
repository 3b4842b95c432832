using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Demo;

/// <summary>Boats, two weeks of departures and a few bookings for trying the app. Safe to run again.</summary>
public sealed class DemoData(
    NpgsqlDataSource db, SeatInventory inventory, OperatorCalendar calendar, ILogger<DemoData> log,
    Microsoft.Extensions.Options.IOptions<JkBoatsOptions> settings)
{
    public const int Days = 14;

    private sealed record DemoBoat(Guid Id, string Name, int Capacity, int MaxPersons, bool HasAc);

    private sealed record DemoTrip(TimeOnly Time, DemoBoat Boat, string Destination, decimal Price, int SeatsLeftEveryThirdDay);

    private static readonly DemoBoat SeaExpress = new(Guid.Parse("6f1c2b1e-0001-4a4b-8000-000000000001"), "SeaExpress 1", 50, 60, true);
    private static readonly DemoBoat IslandHopper = new(Guid.Parse("6f1c2b1e-0002-4a4b-8000-000000000002"), "Island Hopper", 30, 36, false);
    private static readonly DemoBoat CoralQueen = new(Guid.Parse("6f1c2b1e-0003-4a4b-8000-000000000003"), "Coral Queen", 12, 14, true);
    private static readonly DemoBoat SunsetRunner = new(Guid.Parse("6f1c2b1e-0004-4a4b-8000-000000000004"), "Sunset Runner", 20, 24, false);

    private static readonly DemoTrip[] Timetable =
    [
        new(new TimeOnly(8, 0), SeaExpress, "Island Paradise", 25.00m, -1),
        new(new TimeOnly(9, 30), IslandHopper, "Coral Bay", 18.00m, -1),
        new(new TimeOnly(10, 0), CoralQueen, "Turtle Cove", 40.00m, 2),
        new(new TimeOnly(12, 30), SeaExpress, "Coral Bay", 22.00m, -1),
        new(new TimeOnly(13, 0), SunsetRunner, "Island Paradise", 19.50m, 3),
        new(new TimeOnly(15, 0), IslandHopper, "Turtle Cove", 30.00m, 1),
        new(new TimeOnly(16, 30), CoralQueen, "Island Paradise", 45.00m, -1),
        new(new TimeOnly(18, 0), SunsetRunner, "Coral Bay", 28.00m, 0),
    ];

    /// <summary>The demo destinations' descriptions, and their names and descriptions in Greek and French.</summary>
    private static readonly (string Destination, string Description, string GreekName, string Greek, string FrenchName, string French)[] DestinationTexts =
    [
        ("Island Paradise", "A long sandy beach with shady tavernas, a short walk from the jetty. Bring a towel and sun cream.",
            "Νησί του Παραδείσου", "Μεγάλη αμμουδιά με σκιερές ταβέρνες, λίγα βήματα από την προβλήτα. Πάρτε μαζί σας πετσέτα και αντηλιακό.",
            "Île Paradis", "Une longue plage de sable et des tavernes ombragées, à deux pas de l'embarcadère. Prévoyez serviette et crème solaire."),
        ("Coral Bay", "Clear, calm water over the reef: the best snorkelling of the trip. Masks are lent on board.",
            "Κοραλλένιος Κόλπος", "Καθαρά, ήρεμα νερά πάνω από τον ύφαλο: το καλύτερο σημείο για κολύμπι με μάσκα. Οι μάσκες δανείζονται στο σκάφος.",
            "Baie de Corail", "Une eau claire et calme au-dessus du récif : le meilleur snorkeling de la sortie. Masques prêtés à bord."),
        ("Turtle Cove", "A quiet cove where sea turtles feed in the morning. A small boat with few seats: book early.",
            "Όρμος των Χελωνών", "Ένας ήσυχος όρμος όπου οι θαλάσσιες χελώνες τρέφονται το πρωί. Μικρό σκάφος με λίγες θέσεις: κλείστε νωρίς.",
            "Crique aux Tortues", "Une crique paisible où les tortues de mer viennent se nourrir le matin. Petit bateau, peu de places : réservez tôt."),
    ];

    private static readonly (string Code, string Language, string Name, string Description)[] FareTexts =
    [
        ("adult", "el", "Ενήλικας", "13 ετών και άνω"), ("adult", "fr", "Adulte", "13 ans et plus"),
        ("child", "el", "Παιδί", "4 έως 12 ετών"), ("child", "fr", "Enfant", "De 4 à 12 ans"),
        ("senior", "el", "Ηλικιωμένος", "65 ετών και άνω"), ("senior", "fr", "Senior", "65 ans et plus"),
        ("infant", "el", "Βρέφος", "Κάτω των 4 ετών"), ("infant", "fr", "Bébé", "Moins de 4 ans"),
    ];

    /// <summary>The pier, hours and cancellation policy in Greek and French (the demo's operator is the configuration's).</summary>
    private (string Language, string Pier, string Hours, string Policy)[] OperatorTexts()
    {
        var hours = (int)settings.Value.CustomerCancelCutoff.TotalHours;
        return
        [
            ("el", "Προβλήτα 3, Οδός Λιμανιού", "Καθημερινά 7:30–19:00",
                $"Δωρεάν ακύρωση online έως {hours} ώρες πριν από την αναχώρηση· μετά, τηλεφωνήστε στο γκισέ."),
            ("fr", "Quai 3, route du Port", "Tous les jours 7h30–19h00",
                $"Annulation gratuite en ligne jusqu'à {hours} heures avant le départ ; ensuite, appelez le guichet."),
        ];
    }

    /// <summary>The texts above, where an admin has not written others.</summary>
    private async Task SeedTextsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string sql = """
            insert into destination_details (destination, description, updated_by)
            select d, t, 'demo' from unnest(@destinations::text[], @descriptions::text[]) as x(d, t)
            on conflict ((lower(destination))) do nothing;
            insert into destination_texts (destination, language, name, description, updated_by)
            select d, l, n, t, 'demo' from unnest(@textDestinations::text[], @textLanguages::text[], @textNames::text[], @texts::text[]) as x(d, l, n, t)
            on conflict ((lower(destination)), language) do nothing;
            insert into fare_type_texts (fare_type_id, language, name, description, updated_by)
            select f.id, x.l, x.n, x.t, 'demo' from unnest(@fareCodes::text[], @fareLanguages::text[], @fareNames::text[], @fareDescriptions::text[]) as x(c, l, n, t)
            join fare_types f on f.code = x.c
            on conflict (fare_type_id, language) do nothing;
            insert into operator_texts (language, pier_address, opening_hours, cancellation_policy, updated_by)
            select l, p, h, c, 'demo' from unnest(@operatorLanguages::text[], @piers::text[], @hours::text[], @policies::text[]) as x(l, p, h, c)
            on conflict (language) do nothing;
            """;
        var texts = DestinationTexts.SelectMany(d => new (string Destination, string Language, string Name, string Text)[]
            {
                (d.Destination, "el", d.GreekName, d.Greek), (d.Destination, "fr", d.FrenchName, d.French),
            }).ToList();
        var operatorTexts = OperatorTexts();
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            destinations = DestinationTexts.Select(d => d.Destination).ToArray(),
            descriptions = DestinationTexts.Select(d => d.Description).ToArray(),
            textDestinations = texts.Select(t => t.Destination).ToArray(),
            textLanguages = texts.Select(t => t.Language).ToArray(),
            textNames = texts.Select(t => t.Name).ToArray(),
            texts = texts.Select(t => t.Text).ToArray(),
            fareCodes = FareTexts.Select(f => f.Code).ToArray(),
            fareLanguages = FareTexts.Select(f => f.Language).ToArray(),
            fareNames = FareTexts.Select(f => f.Name).ToArray(),
            fareDescriptions = FareTexts.Select(f => f.Description).ToArray(),
            operatorLanguages = operatorTexts.Select(o => o.Language).ToArray(),
            piers = operatorTexts.Select(o => o.Pier).ToArray(),
            hours = operatorTexts.Select(o => o.Hours).ToArray(),
            policies = operatorTexts.Select(o => o.Policy).ToArray(),
        }, tx, cancellationToken: ct));
    }

    public async Task SeedAsync(CancellationToken ct)
    {
        var today = calendar.Today;
        var created = 0;
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            const string upsertBoat = """
                insert into boats (id, name, capacity, max_persons, has_ac) values (@Id, @Name, @Capacity, @MaxPersons, @HasAc)
                on conflict (id) do nothing
                """;
            foreach (var boat in new[] { SeaExpress, IslandHopper, CoralQueen, SunsetRunner })
            {
                await connection.ExecuteAsync(new CommandDefinition(upsertBoat, boat, tx, cancellationToken: ct));
            }

            // Price lists before departures: a new departure copies its destination's list (the adult fare is its price_per_seat).
            const string priceList = """
                insert into destination_fares (destination, fare_type_id, price)
                select @Destination, f.id, case f.code when 'adult' then @Price when 'child' then round(@Price / 2, 2)
                                                       when 'senior' then round(@Price * 0.8, 2) else 0 end
                from fare_types f
                on conflict ((lower(destination)), fare_type_id) do nothing
                """;
            foreach (var trip in Timetable.DistinctBy(t => t.Destination))
            {
                await connection.ExecuteAsync(new CommandDefinition(priceList, new { trip.Destination, trip.Price }, tx, cancellationToken: ct));
            }

            await SeedTextsAsync(connection, tx, ct);

            const string insertDeparture = """
                insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
                select b.id, @DepartureTime, @Destination, @Price, b.capacity, b.capacity from boats b where b.id = @BoatId
                on conflict (boat_id, departure_time) do nothing
                """;
            for (var day = 0; day < Days; day++)
            {
                foreach (var trip in Timetable)
                {
                    created += await connection.ExecuteAsync(new CommandDefinition(insertDeparture, new
                    {
                        BoatId = trip.Boat.Id,
                        DepartureTime = calendar.LocalToUtc(today.AddDays(day).ToDateTime(trip.Time)),
                        trip.Destination,
                        trip.Price,
                    }, tx, cancellationToken: ct));
                }
            }
            await tx.CommitAsync(ct);
        }

        var booked = await FillSomeDeparturesAsync(today, ct);
        log.LogInformation("Demo data ready: {Departures} new departures, {Bookings} new demo bookings", created, booked);
    }

    /// <summary>The demo's front-desk account (created by the web app's demo start-up).</summary>
    public const string DemoAgent = "agent@jkboats.example";

    private async Task<int> FillSomeDeparturesAsync(DateOnly today, CancellationToken ct)
    {
        const string findDeparture = "select id, available_seats from departures where boat_id = @BoatId and departure_time = @DepartureTime";
        var booked = 0;
        for (var day = 0; day < Days; day += 3)
        {
            foreach (var trip in Timetable.Where(t => t.SeatsLeftEveryThirdDay >= 0))
            {
                var departureTime = calendar.LocalToUtc(today.AddDays(day).ToDateTime(trip.Time));
                if (departureTime <= calendar.UtcNow)
                {
                    continue;
                }
                await using var connection = await db.OpenConnectionAsync(ct);
                var departure = await connection.QuerySingleAsync<(Guid Id, int AvailableSeats)>(
                    new CommandDefinition(findDeparture, new { BoatId = trip.Boat.Id, DepartureTime = departureTime }, cancellationToken: ct));
                for (var guest = 1; ; guest++)
                {
                    var seats = Math.Min(4, trip.Boat.Capacity - trip.SeatsLeftEveryThirdDay - (guest - 1) * 4);
                    if (seats <= 0)
                    {
                        break;
                    }
                    var customer = new CustomerDetails($"Demo Guest {guest}", $"demo.guest{guest}@example.com", $"+1415555{guest:0000}");
                    // Every second guest is a family: two adults, children for the other seats, and a toddler on a lap.
                    IReadOnlyList<ValidPassenger>? family = guest % 2 == 0 && seats >= 3
                        ? [new("adult", customer.FullName, null, null, null), new("adult", $"Demo Partner {guest}", null, null, null),
                           .. Enumerable.Range(1, seats - 2).Select(n => new ValidPassenger("child", $"Demo Child {guest}.{n}", null, null, null)),
                           new("infant", $"Demo Baby {guest}", null, null, null)]
                        : null;
                    var outcome = await inventory.BookAsync(new BookingCommand(
                        new ValidBooking(departure.Id, seats, customer, family), BookingChannel.Desk, $"demo-{departure.Id}-{guest}")
                    {
                        // Sold at the desk by the demo agent; some paid with the sale, so the till and the reports have a day to show.
                        Actor = DemoAgent,
                        PaymentMethod = (guest % 3, guest % 4) switch { (0, _) => Payments.PaymentMethod.Cash, (_, 0) => Payments.PaymentMethod.Card, _ => null },
                    }, ct);
                    if (outcome is BookingOutcome.Confirmed { Replayed: false })
                    {
                        booked++;
                    }
                }
            }
        }
        return booked;
    }
}
