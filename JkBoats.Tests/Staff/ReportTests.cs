using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CsvHelper;
using JkBoats.Data;
using JkBoats.Data.Inventory;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Staff;

/// <summary>The admins' reports count confirmed sales by the local day each boat leaves, four ways, from real bookings: a cancelled booking
/// earns nothing and a departure outside the period is left out; the CSVs say the same and no cell runs as a formula; agents cannot open them;
/// a period that cannot be read is explained with a 400.</summary>
[Collection(AppCollection.Name)]
public sealed class ReportTests(AppFixture fixture)
{
    private const string Page = "/staff/admin/reports";

    public sealed record Figures(decimal Revenue, int Bookings, int Seats, int Persons, int Cancelled);

    private sealed record Sold(TestDeparture Departure, DateOnly Day, string[] Fares, bool Cancelled);

    private OperatorCalendar Calendar => fixture.App.Services.GetRequiredService<OperatorCalendar>();

    /// <summary>Three days of their own, decades ahead, so the shared database's other departures never fall in the period.</summary>
    private static DateOnly FreshFirstDay() => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(4000 + Random.Shared.Next(0, 15_000));

    private DateTime At(DateOnly day, int hour) => Calendar.LocalToUtc(day.ToDateTime(new TimeOnly(hour, 0)));

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static decimal PriceOf(TestDeparture departure, string fare) => fare == "adult" ? departure.PricePerSeat : TestData.FamilyFares[fare];

    private static readonly Dictionary<string, string> FareNames = new() { ["adult"] = "Adult", ["child"] = "Child", ["senior"] = "Senior", ["infant"] = "Infant" };

    private async Task<Guid> BookAsync(HttpClient api, TestDeparture departure, string[] fares)
    {
        var booked = await BookingApi.PostAsync(api, new Dictionary<string, object?>
        {
            ["departure_id"] = departure.DepartureId,
            ["customer"] = TestData.Customer(fullName: "Rita Report"),
            ["passengers"] = fares.Select((fare, i) => new { fare, full_name = $"Passenger {i + 1}" }).ToArray(),
        });
        Assert.True(booked.Status == 201, $"booking answered {booked.Status}: {booked.Body}");
        return booked.Body.GetProperty("booking_id").GetGuid();
    }

    /// <summary>Two destinations, two boats, four departures over three days and one the day after; mixed fares, one cancelled booking.</summary>
    private async Task<(DateOnly First, DateOnly Last, List<Sold> Sold)> SeedAsync()
    {
        var first = FreshFirstDay();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var isle = $"Report Isle {tag}";
        var bay = $"Report Bay {tag}";
        var boatOneIsle = await fixture.Data.CreateDepartureAsync(capacity: 10, maxPersons: 12, price: 25m, destination: isle,
            fares: TestData.FamilyFares, departureTime: At(first, 10));
        var boatTwoBay = await fixture.Data.CreateDepartureAsync(capacity: 8, maxPersons: 10, price: 30m, destination: bay,
            fares: TestData.FamilyFares, departureTime: At(first, 14));
        var boatOneBay = await fixture.Data.AddDepartureAsync(boatOneIsle, At(first.AddDays(1), 10), destination: bay, price: 32m);
        var boatTwoIsle = await fixture.Data.AddDepartureAsync(boatTwoBay, At(first.AddDays(2), 9), destination: isle, price: 27m);
        var dayAfter = await fixture.Data.AddDepartureAsync(boatOneIsle, At(first.AddDays(3), 10));
        var sold = new List<Sold>
        {
            new(boatOneIsle, first, ["adult", "adult", "child", "infant"], false),
            new(boatOneIsle, first, ["senior", "adult"], false),
            new(boatTwoBay, first, ["adult", "adult"], false),
            new(boatOneBay, first.AddDays(1), ["adult", "child"], false),
            new(boatOneBay, first.AddDays(1), ["adult", "adult", "senior"], true),
            new(boatTwoIsle, first.AddDays(2), ["adult", "infant"], false),
            new(dayAfter, first.AddDays(3), ["adult", "adult"], false),
        };
        using var api = fixture.CreateClient();
        var inventory = fixture.App.Services.GetRequiredService<SeatInventory>();
        foreach (var s in sold)
        {
            var id = await BookAsync(api, s.Departure, s.Fares);
            if (s.Cancelled)
            {
                Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(id, "test", "test", null, CancellationToken.None)).Result);
            }
        }
        return (first, first.AddDays(2), sold);
    }

    /// <summary>What the report should say, worked out from the seed, not from the app.</summary>
    private static Dictionary<string, Figures> Expected(IEnumerable<Sold> sold, DateOnly first, DateOnly last, Func<Sold, string> key)
    {
        var inPeriod = sold.Where(s => s.Day >= first && s.Day <= last).ToList();
        return inPeriod.GroupBy(key).ToDictionary(g => g.Key, g => Sum(g));
    }

    private static Figures Sum(IEnumerable<Sold> sold)
    {
        var list = sold.ToList();
        var kept = list.Where(s => !s.Cancelled).ToList();
        return new Figures(
            kept.Sum(s => s.Fares.Sum(f => PriceOf(s.Departure, f))), kept.Count, kept.Sum(s => s.Fares.Count(f => f != "infant")),
            kept.Sum(s => s.Fares.Length), list.Count(s => s.Cancelled));
    }

    private static Dictionary<string, Figures> ExpectedByFare(IEnumerable<Sold> sold, DateOnly first, DateOnly last)
    {
        var inPeriod = sold.Where(s => s.Day >= first && s.Day <= last).ToList();
        return inPeriod.SelectMany(s => s.Fares.Distinct()).Distinct().ToDictionary(fare => FareNames[fare], fare =>
        {
            var kept = inPeriod.Where(s => !s.Cancelled && s.Fares.Contains(fare)).ToList();
            return new Figures(
                kept.Sum(s => s.Fares.Count(f => f == fare) * PriceOf(s.Departure, fare)), kept.Count,
                fare == "infant" ? 0 : kept.Sum(s => s.Fares.Count(f => f == fare)), kept.Sum(s => s.Fares.Count(f => f == fare)),
                inPeriod.Count(s => s.Cancelled && s.Fares.Contains(fare)));
        });
    }

    private static Figures Read(IElement row)
    {
        string Field(string name) => row.QuerySelector($"[data-field='{name}']")!.TextContent.Trim();
        var revenue = row.QuerySelector("[data-field='revenue']")!.GetAttribute("data-value")!;
        return new Figures(decimal.Parse(revenue, CultureInfo.InvariantCulture), int.Parse(Field("bookings")), int.Parse(Field("seats")),
            int.Parse(Field("persons")), int.Parse(Field("cancelled-bookings")));
    }

    private static Dictionary<string, Figures> Table(IHtmlDocument page, string id, Func<IElement, string> key) =>
        page.QuerySelectorAll($"#{id} tbody tr[data-key]").ToDictionary(key, Read);

    private static string Name(IElement row) => row.QuerySelector("[data-field='name']")!.TextContent.Trim();

    private static async Task<(HttpResponseMessage Response, List<string[]> Rows, string Header)> CsvAsync(StaffSession admin, string query)
    {
        var response = await admin.Http.GetAsync($"{Page}?handler=Csv&{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"CSV {query} answered {(int)response.StatusCode}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var reader = CsvReader.Create(new MemoryStream(bytes));
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }
        using var text = new StreamReader(new MemoryStream(bytes));
        return (response, rows, (await text.ReadLineAsync())!);
    }

    private static Figures FromCsv(string[] row) => new(decimal.Parse(row[1], CultureInfo.InvariantCulture), int.Parse(row[2], CultureInfo.InvariantCulture),
        int.Parse(row[3], CultureInfo.InvariantCulture), int.Parse(row[4], CultureInfo.InvariantCulture), int.Parse(row[5], CultureInfo.InvariantCulture));

    [Fact]
    public async Task The_report_counts_confirmed_sales_by_day_destination_boat_and_fare_without_the_cancelled_or_the_day_after()
    {
        var (first, last, sold) = await SeedAsync();
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);

        var page = await admin.GetDocumentAsync($"{Page}?from={Iso(first)}&to={Iso(last)}");

        var byDay = Expected(sold, first, last, s => Iso(s.Day));
        Assert.Equal(byDay, Table(page, "by-day", r => r.GetAttribute("data-key")!));
        Assert.Equal(Expected(sold, first, last, s => s.Departure.Destination), Table(page, "by-destination", Name));
        Assert.Equal(Expected(sold, first, last, s => s.Departure.BoatId.ToString()), Table(page, "by-boat", r => r.GetAttribute("data-key")!));
        Assert.Equal(ExpectedByFare(sold, first, last), Table(page, "by-fare", Name));

        var total = Sum(sold.Where(s => s.Day <= last));
        foreach (var table in new[] { "by-day", "by-destination", "by-boat", "by-fare" })
        {
            Assert.Equal(total, Read(page.QuerySelector($"#{table} tfoot tr[data-key='total']")!));
        }
        Assert.Equal(total.Revenue, decimal.Parse(page.QuerySelector("#report-totals [data-field='revenue']")!.GetAttribute("data-value")!, CultureInfo.InvariantCulture));
        // The cancelled booking and the day after are really there, and really left out.
        var cancelled = sold.Single(s => s.Cancelled);
        Assert.Equal(1, total.Cancelled);
        Assert.True(cancelled.Fares.Sum(f => PriceOf(cancelled.Departure, f)) > 0);
        Assert.Equal(sold.Where(s => !s.Cancelled && s.Day <= last).Sum(s => s.Fares.Sum(f => PriceOf(s.Departure, f))), total.Revenue);
        Assert.Null(page.QuerySelector($"#by-day tr[data-key='{Iso(last.AddDays(1))}']"));

        Assert.Equal(3, page.QuerySelectorAll("#revenue-per-day rect[data-key]").Length);
        Assert.Equal(byDay[Iso(first)].Revenue.ToString("0.##", CultureInfo.InvariantCulture),
            page.QuerySelector($"#revenue-per-day rect[data-key='{Iso(first)}']")!.GetAttribute("data-value"));
        Assert.Equal(2, page.QuerySelectorAll("#revenue-per-destination rect[data-key]").Length);

        var occupancy = page.QuerySelectorAll("#occupancy-table tbody tr[data-departure-id]").ToList();
        var departures = sold.Select(s => s.Departure).Where(d => d.DepartureTime < At(last.AddDays(1), 0)).DistinctBy(d => d.DepartureId)
            .OrderBy(d => d.DepartureTime).ToList();
        Assert.Equal(departures.Select(d => d.DepartureId.ToString()), occupancy.Select(r => r.GetAttribute("data-departure-id")));
        var seats = departures.Select(d =>
        {
            var kept = sold.Where(s => s.Departure.DepartureId == d.DepartureId && !s.Cancelled).ToList();
            return $"{kept.Sum(s => s.Fares.Count(f => f != "infant"))} / {d.Capacity}";
        });
        Assert.Equal(seats, occupancy.Select(r => r.QuerySelector("[data-field='seats']")!.TextContent.Trim()));

        var pastTheEnd = await admin.GetDocumentAsync($"{Page}?from={Iso(first)}&to={Iso(last)}&occupancyPage=99999999");
        Assert.Equal(departures.Count, pastTheEnd.QuerySelectorAll("#occupancy-table tbody tr[data-departure-id]").Length);
    }

    [Fact]
    public async Task The_csv_downloads_say_what_the_page_says_in_invariant_numbers_as_an_attachment_named_after_the_period()
    {
        var (first, last, sold) = await SeedAsync();
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var period = $"from={Iso(first)}&to={Iso(last)}";

        var (response, days, header) = await CsvAsync(admin, $"{period}&breakdown=day");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"jkboats-day-{Iso(first)}-to-{Iso(last)}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("day,revenue,bookings,seats,persons,cancelled_bookings", header);
        Assert.Equal(Expected(sold, first, last, s => Iso(s.Day)), days.ToDictionary(r => r[0], FromCsv));

        var (_, destinations, _) = await CsvAsync(admin, $"{period}&breakdown=destination");
        Assert.Equal(Expected(sold, first, last, s => s.Departure.Destination), destinations.ToDictionary(r => r[0], FromCsv));
        var (_, boats, _) = await CsvAsync(admin, $"{period}&breakdown=boat");
        Assert.Equal(Expected(sold, first, last, s => s.Departure.BoatName), boats.ToDictionary(r => r[0], FromCsv));
        var (_, fares, _) = await CsvAsync(admin, $"{period}&breakdown=fare");
        Assert.Equal(ExpectedByFare(sold, first, last), fares.ToDictionary(r => r[0], FromCsv));

        var (_, occupancy, occupancyHeader) = await CsvAsync(admin, $"{period}&breakdown=occupancy");
        Assert.Equal("departure_time,destination,boat,status,seats_sold,capacity,seat_percent,persons,max_persons,person_percent", occupancyHeader);
        var departure = sold[0].Departure;
        var row = occupancy.First();
        Assert.Equal(Calendar.ToLocal(departure.DepartureTime).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), row[0]);
        var seats = sold.Where(s => s.Departure.DepartureId == departure.DepartureId && !s.Cancelled).Sum(s => s.Fares.Count(f => f != "infant"));
        Assert.Equal([departure.Destination, departure.BoatName, "scheduled", $"{seats}", $"{departure.Capacity}",
            (100.0 * seats / departure.Capacity).ToString("0.0", CultureInfo.InvariantCulture)], row[1..7]);
        Assert.Equal(4, occupancy.Count);
    }

    [Fact]
    public async Task A_destination_named_like_a_formula_is_text_on_the_page_and_starts_with_an_apostrophe_in_the_csv()
    {
        var first = FreshFirstDay();
        const string hyperlink = "=HYPERLINK(\"http://x\",\"y\")";
        const string sum = "@SUM(1)";
        using var api = fixture.CreateClient();
        foreach (var (destination, hour) in new[] { (hyperlink, 9), (sum, 11) })
        {
            var departure = await fixture.Data.CreateDepartureAsync(capacity: 5, price: 10m, destination: destination, departureTime: At(first, hour));
            await BookAsync(api, departure, ["adult"]);
        }
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var period = $"from={Iso(first)}&to={Iso(first)}";

        var page = await admin.GetDocumentAsync($"{Page}?{period}");
        Assert.Equal([hyperlink, sum], page.QuerySelectorAll("#by-destination tbody tr[data-key]").Select(Name).Order(StringComparer.Ordinal));

        var (_, destinations, _) = await CsvAsync(admin, $"{period}&breakdown=destination");
        Assert.Equal(["'" + hyperlink, "'" + sum], destinations.Select(r => r[0]).Order(StringComparer.Ordinal));
        var (_, occupancy, _) = await CsvAsync(admin, $"{period}&breakdown=occupancy");
        Assert.Equal(["'" + hyperlink, "'" + sum], occupancy.Select(r => r[1]));
    }

    [Fact]
    public async Task Collected_is_payments_less_refunds_by_the_local_day_the_money_was_taken_and_by_method()
    {
        var first = FreshFirstDay();
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5, price: 10m, departureTime: At(first.AddDays(20), 9));
        using var api = fixture.CreateClient();
        var bookingId = await BookAsync(api, departure, ["adult"]);
        var money = new (int Day, string Kind, string Method, decimal Amount)[]
        {
            (0, "payment", "cash", 50m), (0, "payment", "cash", 20m), (0, "refund", "cash", 15m), (0, "payment", "card", 30m),
            (1, "refund", "card", 5m), (2, "payment", "other", 99m),
        };
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            foreach (var m in money)
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, """
                    insert into payments (booking_id, kind, method, amount, taken_by, created_at) values (@bookingId, @Kind, @Method, @Amount, 'test', @at);
                    insert into booking_events (booking_id, kind, actor, summary, created_at)
                    values (@bookingId, case when @Kind = 'payment' then 'paid' else 'refunded' end, 'test', 'Seeded', @at);
                    """, new { bookingId, m.Kind, m.Method, m.Amount, at = At(first.AddDays(m.Day), 12) });
            }
        }
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var period = $"from={Iso(first)}&to={Iso(first.AddDays(1))}";

        var expected = money.Where(m => m.Day <= 1).GroupBy(m => (Iso(first.AddDays(m.Day)), m.Method))
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Kind == "payment" ? m.Amount : -m.Amount));
        var (_, rows, header) = await CsvAsync(admin, $"{period}&breakdown=collected");
        Assert.Equal("day,method,payments,refunds,net", header);
        Assert.Equal(expected, rows.ToDictionary(r => (r[0], r[1]), r => decimal.Parse(r[4], CultureInfo.InvariantCulture)));
        var page = await admin.GetDocumentAsync($"{Page}?{period}");
        Assert.Equal(expected.Keys.Order(), page.QuerySelectorAll("#collected-table tbody tr")
            .Select(r => (r.GetAttribute("data-day")!, r.GetAttribute("data-method")!)).Order());
    }

    [Fact]
    public async Task An_agent_cannot_open_the_reports_or_download_them()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        foreach (var path in new[] { Page, $"{Page}?handler=Csv&breakdown=day" })
        {
            using var response = await agent.Http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{path} answered {(int)response.StatusCode}");
            Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
        }
        var nav = await agent.GetDocumentAsync("/staff");
        Assert.DoesNotContain(nav.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == Page);
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        Assert.Contains((await admin.GetDocumentAsync("/staff")).QuerySelectorAll("nav a"), a => a.GetAttribute("href") == Page);
    }

    [Theory]
    [InlineData("from=2026-13-01", "From: write the date as year-month-day")]
    [InlineData("from=yesterday", "From: write the date as year-month-day")]
    [InlineData("from=2026-02-30&to=2026-03-01", "From: write the date as year-month-day")]
    [InlineData("to=31%2F12%2F2026", "To: write the date as year-month-day")]
    [InlineData("from=2026-12-03&to=2026-12-01", "The period ends before it starts")]
    [InlineData("from=2025-01-01&to=2026-12-31", "Choose a period of at most 366 days; this one has 730.")]
    [InlineData("from=9999-12-30&to=9999-12-31", "From: choose a date from 2000 to 2100.")]
    [InlineData("from=0001-01-01&to=0001-01-02", "From: choose a date from 2000 to 2100.")]
    [InlineData("from=2026-01-01&to=2026-01-02&handler=Csv&breakdown=everything", "Choose what to download")]
    [InlineData("from=2026-01-01&to=2026-01-02&handler=Csv", "Choose what to download")]
    [InlineData("from=2026-01-02&to=2026-01-01&handler=Csv&breakdown=day", "The period ends before it starts")]
    public async Task A_period_or_download_that_cannot_be_read_is_explained_with_a_400(string query, string message)
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);

        using var response = await admin.Http.GetAsync($"{Page}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await StaffSession.ParseAsync(response);
        Assert.Contains(message, page.QuerySelector("#report-errors[role=alert]")!.TextContent);
        Assert.Null(page.QuerySelector("#by-day"));
        Assert.NotNull(page.QuerySelector("form#report-period input[name='from']"));
    }

    [Fact]
    public async Task Without_dates_the_report_shows_the_last_30_days_up_to_today_and_a_bad_page_number_shows_the_first_page()
    {
        await TimeOfDay.AwayFromMidnightAsync(TimeSpan.FromMinutes(1));
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var today = Calendar.Today;

        var page = await admin.GetDocumentAsync($"{Page}?occupancyPage=abc");

        Assert.Equal(Iso(today.AddDays(-29)), page.QuerySelector("#from")!.GetAttribute("value"));
        Assert.Equal(Iso(today), page.QuerySelector("#to")!.GetAttribute("value"));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => Iso(today.AddDays(i - 29))),
            page.QuerySelectorAll("#by-day tbody tr[data-key]").Select(r => r.GetAttribute("data-key")));
        Assert.Equal(30, page.QuerySelectorAll("#revenue-per-day rect[data-key]").Length);
    }
}
