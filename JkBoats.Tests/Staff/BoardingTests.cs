using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using CsvHelper;

namespace JkBoats.Tests.Staff;

/// <summary>The desk boards passenger by passenger: the manifest lists every passenger with fare, needs and the lead's phone, checks
/// in one passenger or a whole booking, marks no-shows only once the boat has left, and the walk-in sells fares by count.</summary>
[Collection(AppCollection.Name)]
public sealed class BoardingTests(AppFixture fixture)
{
    private const string FormulaName = "=HYPERLINK(\"http://evil.example\",\"Click\")";

    private static Dictionary<string, object?> Family(Guid departureId, string secondName = "Ben Doe") => new()
    {
        ["departure_id"] = departureId,
        ["customer"] = TestData.Customer(fullName: "Ana Doe", phone: "+14155550132"),
        ["passengers"] = new object[]
        {
            new { fare = "adult", full_name = "Ana Doe" },
            new { fare = "adult", full_name = secondName },
            new { fare = "child", full_name = "Rui Doe", needs = "wheelchair", needs_note = "Folding chair" },
            new { fare = "infant", full_name = (string?)null },
        },
    };

    private async Task<(TestDeparture Departure, Guid BookingId, string Code)> BookFamilyAsync(DateTime? departs = null, string secondName = "Ben Doe")
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 25m, fares: TestData.FamilyFares, maxPersons: 12,
            departureTime: departs ?? DateTime.UtcNow.AddHours(2));
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), Family(departure.DepartureId, secondName));
        Assert.Equal(201, booked.Status);
        return (departure, booked.Body.GetProperty("booking_id").GetGuid(), booked.Body.GetProperty("confirmation_code").GetString()!);
    }

    private static IReadOnlyList<IElement> PassengerRows(IHtmlDocument manifest) => manifest.QuerySelectorAll("#manifest tr[data-passenger-id]").ToList();

    private static string Field(IElement row, string field) => row.QuerySelector($"[data-field='{field}']")!.TextContent.Trim();

    private static string PassengerForm(IElement row, string action) =>
        $"tr[data-passenger-id='{row.GetAttribute("data-passenger-id")}'] form:has(input[name='action'][value='{action}'])";

    private async Task<(int CheckedIn, int NoShows, DateTime? BookingCheckedInAt)> BoardingStateAsync(Guid bookingId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int, DateTime?)>("""
            select (select count(*) from passengers where booking_id = bk.id and checked_in_at is not null)::int,
                   (select count(*) from passengers where booking_id = bk.id and no_show_at is not null)::int,
                   bk.checked_in_at
            from bookings bk where bk.id = @bookingId
            """, new { bookingId });
    }

    [Fact]
    public async Task The_desk_checks_in_three_of_a_family_of_four_and_marks_the_fourth_no_show_after_departure()
    {
        var (departure, bookingId, _) = await BookFamilyAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var manifest = $"/staff/departures/{departure.DepartureId}";
        var rows = PassengerRows(await agent.GetDocumentAsync(manifest));
        Assert.Equal(4, rows.Count);

        foreach (var row in rows.Take(3))
        {
            var checkIn = await agent.SubmitAsync(manifest, PassengerForm(row, "CheckIn"), []);
            Assert.Equal(HttpStatusCode.Redirect, checkIn.StatusCode);
        }

        Assert.Equal((3, 0, (DateTime?)null), await BoardingStateAsync(bookingId));
        var page = await agent.GetDocumentAsync(manifest);
        Assert.Equal(("3", "4"), (Field(page.Body!, "on-board"), Field(page.Body!, "persons-booked")));
        Assert.Empty(page.QuerySelectorAll("form:has(input[name='action'][value='NoShow'])"));
        var board = await agent.GetDocumentAsync($"/staff/board?date={departure.DepartureTime:yyyy-MM-dd}");
        Assert.Equal("3 / 4", Field(board.QuerySelector($"tr[data-departure-id='{departure.DepartureId}']")!, "on-board"));
        if (departure.DepartureTime.Date == DateTime.UtcNow.Date)
        {
            var dashboard = await agent.GetDocumentAsync("/staff");
            Assert.StartsWith("3 / 4 persons on board", Field(dashboard.QuerySelector($"#today-departures [data-departure-id='{departure.DepartureId}']")!, "on-board"));
        }

        await fixture.Data.MoveIntoPastAsync(departure.DepartureId);
        var fourth = PassengerRows(await agent.GetDocumentAsync(manifest))[3];
        var noShow = await agent.SubmitAsync(manifest, PassengerForm(fourth, "NoShow"), []);
        Assert.Equal(HttpStatusCode.Redirect, noShow.StatusCode);

        Assert.Equal(3, (await BoardingStateAsync(bookingId)).CheckedIn);
        Assert.Equal(1, (await BoardingStateAsync(bookingId)).NoShows);
        Assert.NotNull((await BoardingStateAsync(bookingId)).BookingCheckedInAt);
        page = await agent.GetDocumentAsync(manifest);
        Assert.Equal("No-show", page.QuerySelector($"tr[data-passenger-id='{fourth.GetAttribute("data-passenger-id")}'] [data-state='no-show']")?.TextContent.Trim());
        Assert.Equal("3", Field(page.Body!, "on-board"));

        var undo = await agent.SubmitAsync(manifest, PassengerForm(fourth, "UndoNoShow"), []);
        Assert.Equal(HttpStatusCode.Redirect, undo.StatusCode);
        Assert.Equal((3, 0, (DateTime?)null), await BoardingStateAsync(bookingId));
        var rest = await agent.SubmitAsync(manifest, $"tbody[data-booking-id='{bookingId}'] form:has(input[name='action'][value='NoShow'])", []);
        Assert.Equal(HttpStatusCode.Redirect, rest.StatusCode);
        var final = await BoardingStateAsync(bookingId);
        Assert.Equal((3, 1), (final.CheckedIn, final.NoShows));
        Assert.NotNull(final.BookingCheckedInAt);
    }

    [Fact]
    public async Task Marking_a_no_show_before_the_departure_time_is_refused_with_a_message()
    {
        var (departure, bookingId, _) = await BookFamilyAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var manifest = $"/staff/departures/{departure.DepartureId}";
        var row = PassengerRows(await agent.GetDocumentAsync(manifest))[3];

        var response = await agent.SubmitAsync(manifest, PassengerForm(row, "CheckIn"), new() { ["action"] = "NoShow" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Field((await StaffSession.ParseAsync(response)).Body!, "check-in-problem");
        Assert.Contains("cannot be marked no-show before the departure time", message);
        Assert.Equal((0, 0, (DateTime?)null), await BoardingStateAsync(bookingId));
    }

    [Theory]
    [InlineData("not-a-guid", null, "CheckIn")]
    [InlineData(null, "random", "CheckIn")]
    [InlineData(null, null, "Explode")]
    [InlineData(null, "other-booking", "CheckIn")]
    public async Task Boarding_with_bad_ids_or_actions_answers_a_message_and_changes_nothing(string? passengerId, string? bookingId, string action)
    {
        var (departure, familyId, _) = await BookFamilyAsync();
        var (_, otherBookingId, _) = await BookFamilyAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var manifest = $"/staff/departures/{departure.DepartureId}";
        var row = PassengerRows(await agent.GetDocumentAsync(manifest))[0];
        var values = new Dictionary<string, string> { ["action"] = action };
        if (passengerId is not null)
        {
            values["passengerId"] = passengerId;
        }
        if (bookingId is not null)
        {
            values["bookingId"] = bookingId == "random" ? Guid.NewGuid().ToString() : otherBookingId.ToString();
        }
        if (bookingId == "other-booking")
        {
            // A whole, consistent passenger of another departure's booking: only the departure check refuses it.
            await using var connection = await fixture.Db.OpenConnectionAsync();
            values["passengerId"] = (await connection.ExecuteScalarAsync<Guid>(
                "select id from passengers where booking_id = @otherBookingId and position = 1", new { otherBookingId })).ToString();
        }

        var response = await agent.SubmitAsync(manifest, PassengerForm(row, "CheckIn"), values);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nothing changed", Field((await StaffSession.ParseAsync(response)).Body!, "check-in-problem"));
        Assert.Equal((0, 0, (DateTime?)null), await BoardingStateAsync(familyId));
        Assert.Equal((0, 0, (DateTime?)null), await BoardingStateAsync(otherBookingId));
    }

    [Fact]
    public async Task The_manifest_shows_each_passenger_with_fare_needs_code_and_readable_phone_and_the_persons_counts()
    {
        var (departure, _, code) = await BookFamilyAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var page = await agent.GetDocumentAsync($"/staff/departures/{departure.DepartureId}");

        var rows = PassengerRows(page);
        Assert.Equal(["Ana Doe", "Ben Doe", "Rui Doe", "Unnamed (booked by Ana Doe)"], rows.Select(r => Field(r, "name")));
        Assert.Equal(["Adult", "Adult", "Child", "Infant"], rows.Select(r => Field(r, "fare")));
        Assert.Equal(["", "", "Wheelchair Folding chair", ""], rows.Select(r => string.Join(' ', Field(r, "needs").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
        Assert.All(rows, r => Assert.Equal(code, Field(r, "code")));
        Assert.All(rows, r => Assert.Equal("+1 415-555-0132", Field(r, "phone")));
        Assert.Equal(("0", "4"), (Field(page.Body!, "on-board"), Field(page.Body!, "persons-booked")));
        Assert.Equal("3 of 10 seats sold", Field(page.Body!, "seats"));
        Assert.Equal("max 12 persons", Field(page.Body!, "max-persons"));
    }

    [Fact]
    public async Task The_manifest_csv_has_one_row_per_passenger_and_neutralises_a_formula_name()
    {
        var (departure, _, code) = await BookFamilyAsync(secondName: FormulaName);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.Http.GetAsync($"/staff/departures/{departure.DepartureId}?handler=Csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var reader = CsvReader.Create(await response.Content.ReadAsStreamAsync());
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(code, r[0]));
        Assert.Equal(["Ana Doe", "'" + FormulaName, "Rui Doe", "Unnamed (booked by Ana Doe)"], rows.Select(r => r[1]));
        Assert.Equal(["Adult", "Adult", "Child", "Infant"], rows.Select(r => r[4]));
        Assert.Equal(["", "", "wheelchair", ""], rows.Select(r => r[6]));
        Assert.All(rows, r => Assert.Equal("+14155550132", r[2]));
    }

    [Fact]
    public async Task A_walk_in_of_two_adults_a_child_and_an_infant_is_sold_by_fare_counts_at_the_right_total()
    {
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var walkIn = $"/staff/departures/{departure.DepartureId}/walk-in";
        var form = await agent.GetDocumentAsync(walkIn);
        Assert.Equal(["Counts[adult]", "Counts[child]", "Counts[senior]", "Counts[infant]"],
            form.QuerySelectorAll("#walk-in-form input[type='number']").Select(i => i.GetAttribute("name")));
        // The name comes first (it has the focus), the counts right after it in tab order.
        Assert.True(form.QuerySelector("#FullName")!.HasAttribute("autofocus"));
        Assert.Equal("FullName", form.QuerySelector("#walk-in-form input:not([type=hidden])")!.Id);

        var response = await agent.SubmitAsync(walkIn, "#walk-in-form", new()
        {
            ["Counts[adult]"] = "2", ["Counts[child]"] = "1", ["Counts[infant]"] = "1", ["FullName"] = "Wanda Walkin", ["Phone"] = "415 555 0188",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(int Seats, int Persons, decimal Total, string Fares)>("""
            select bk.seats_booked, bk.persons, bk.total_price,
                   (select string_agg(f.code, ',' order by p.position) from passengers p join fare_types f on f.id = p.fare_type_id where p.booking_id = bk.id)
            from bookings bk where bk.departure_id = @DepartureId
            """, new { departure.DepartureId });
        Assert.Equal((3, 4, 62.50m, "adult,adult,child,infant"), stored);
        var persons = await fixture.Data.PersonStateAsync(departure.DepartureId);
        Assert.Equal((12, 8), (persons.MaxPersons, persons.AvailablePersons));
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task A_walk_in_over_the_persons_limit_or_for_a_fare_not_sold_shows_why_and_sells_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 3, price: 25m, maxPersons: 3,
            fares: new Dictionary<string, decimal> { ["child"] = 12.50m, ["infant"] = 0m }, departureTime: DateTime.UtcNow.AddHours(2));
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var walkIn = $"/staff/departures/{departure.DepartureId}/walk-in";

        var tooMany = await agent.SubmitAsync(walkIn, "#walk-in-form", new()
        {
            ["Counts[adult]"] = "2", ["Counts[child]"] = "1", ["Counts[infant]"] = "1", ["FullName"] = "Wanda Walkin", ["Phone"] = "415 555 0188",
        });
        Assert.Equal(HttpStatusCode.OK, tooMany.StatusCode);
        Assert.Contains("Room for only 3 more persons", Field((await StaffSession.ParseAsync(tooMany)).Body!, "fares-error"));

        var page = await agent.GetDocumentAsync(walkIn);
        Assert.Null(page.QuerySelector("input[name='Counts[senior]']"));
        var token = page.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
        var senior = await agent.Http.PostAsync(walkIn, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Counts[adult]"] = "1", ["Counts[senior]"] = "1", ["FullName"] = "Wanda Walkin",
            ["Phone"] = "415 555 0188", ["IdempotencyKey"] = Guid.NewGuid().ToString("N"),
        }));
        Assert.Equal(HttpStatusCode.OK, senior.StatusCode);
        Assert.Contains("does not sell the fare \"senior\"", Field((await StaffSession.ParseAsync(senior)).Body!, "fares-error"));

        Assert.Equal(new SeatState(3, 3, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_walk_in_names_each_passenger_with_a_birth_year_and_needs_and_the_manifest_shows_them()
    {
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var walkIn = $"/staff/departures/{departure.DepartureId}/walk-in";
        var counts = new Dictionary<string, string>
        {
            ["Counts[adult]"] = "1", ["Counts[child]"] = "1", ["FullName"] = "Wanda Walkin", ["Phone"] = "415 555 0188",
        };

        // "Add names and needs" shows a row per passenger the counts make and sells nothing.
        var rows = await StaffSession.ParseAsync(await agent.SubmitAsync(walkIn, "#walk-in-form", counts, submitter: "button[formaction*='handler=Passengers']"));
        Assert.Equal(["Passenger 1 · Adult (lead)", "Passenger 2 · Child"],
            rows.QuerySelectorAll("#passenger-names li label[for^='passenger-name-']").Select(l => l.TextContent.Trim()));
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));

        // A birth year that is not one is refused on its row; nothing is sold and what was typed stays.
        var form = (IHtmlFormElement)rows.QuerySelector("#walk-in-form")!;
        ((IHtmlInputElement)rows.QuerySelector("#passenger-name-1")!).Value = "Kim Walkin";
        ((IHtmlInputElement)rows.QuerySelector("#passenger-year-1")!).Value = "20x8";
        ((IHtmlSelectElement)rows.QuerySelector("#passenger-needs-1")!).Value = "wheelchair";
        var refused = await StaffSession.ParseAsync(await agent.SubmitAsync(form, [], pastBrowserChecks: true));
        Assert.Contains("four digits", refused.QuerySelector("#passenger-year-1-error")!.TextContent);
        Assert.Equal("Kim Walkin", ((IHtmlInputElement)refused.QuerySelector("#passenger-name-1")!).Value);
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));

        ((IHtmlInputElement)refused.QuerySelector("#passenger-year-1")!).Value = "2018";
        var sold = await agent.SubmitAsync((IHtmlFormElement)refused.QuerySelector("#walk-in-form")!, []);
        Assert.Equal(HttpStatusCode.Redirect, sold.StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(string Name, int? Year, string? Needs)>("""
            select p.full_name, p.birth_year::int, p.needs from passengers p join bookings bk on bk.id = p.booking_id
            where bk.departure_id = @DepartureId order by p.position
            """, new { departure.DepartureId })).ToList();
        Assert.Equal([("Wanda Walkin", null, null), ("Kim Walkin", 2018, "wheelchair")], stored);

        var manifest = await agent.GetDocumentAsync($"/staff/departures/{departure.DepartureId}");
        var kim = manifest.QuerySelectorAll("tr[data-passenger-id]").Single(r => Field(r, "name") == "Kim Walkin");
        Assert.Equal("Child · born 2018", Field(kim, "fare"));
        Assert.Contains("Wheelchair", Field(kim, "needs"));
    }

    [Fact]
    public async Task When_the_operator_requires_every_name_the_desk_is_asked_for_each_and_sells_nothing_until_given()
    {
        await using var strict = new JkBoatsApp(fixture.App.ConnectionString, new Dictionary<string, string?> { ["JkBoats:RequireAllPassengerNames"] = "true" });
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(strict, fixture.Db, StaffRoles.Agent);
        var walkIn = $"/staff/departures/{departure.DepartureId}/walk-in";

        // Counts alone (Enter in the adults field) bring up the rows with the missing names marked.
        var asked = await agent.SubmitAsync(walkIn, "#walk-in-form", new()
        {
            ["Counts[adult]"] = "2", ["Counts[infant]"] = "1", ["FullName"] = "Wanda Walkin", ["Phone"] = "415 555 0188",
        });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var page = await StaffSession.ParseAsync(asked);
        Assert.Null(page.QuerySelector("#passenger-name-0-error"));
        Assert.Equal(["Enter this passenger's full name.", "Enter this passenger's full name."],
            new[] { "#passenger-name-1-error", "#passenger-name-2-error" }.Select(id => page.QuerySelector(id)?.TextContent.Trim()));
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));

        ((IHtmlInputElement)page.QuerySelector("#passenger-name-1")!).Value = "Will Walkin";
        ((IHtmlInputElement)page.QuerySelector("#passenger-name-2")!).Value = "Baby Walkin";
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync((IHtmlFormElement)page.QuerySelector("#walk-in-form")!, [])).StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(["Wanda Walkin", "Will Walkin", "Baby Walkin"], await connection.QueryAsync<string>("""
            select p.full_name from passengers p join bookings bk on bk.id = p.booking_id where bk.departure_id = @DepartureId order by p.position
            """, new { departure.DepartureId }));
    }
}
