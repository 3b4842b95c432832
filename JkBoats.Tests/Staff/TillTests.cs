using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Data.Payments;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>Closing the till against seeded days of payments, in an operator time zone eight hours behind UTC (America/Los_Angeles in
/// November), so a day's payments are not the UTC day's.</summary>
public sealed class TillTests : IAsyncLifetime
{
    private const string TimeZone = "America/Los_Angeles";

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    private JkBoatsApp _app = null!;

    private NpgsqlDataSource _db = null!;

    private IReadOnlyList<Booked> _bookings = [];

    private sealed record Booked(Guid Id, string Code);

    private sealed record Seeded(string TakenBy, Guid BookingId, string Kind, string Method, decimal Amount, DateTime CreatedAtUtc);

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_till");
        _db = NpgsqlDataSource.Create(connectionString);
        _app = new JkBoatsApp(connectionString, new Dictionary<string, string?> { ["JkBoats:TimeZone"] = TimeZone });
        var departure = await new TestData(_db).CreateDepartureAsync(capacity: 40);
        var api = _app.CreateHttpClient();
        var bookings = new List<Booked>();
        for (var i = 0; i < 3; i++)
        {
            var booked = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 2));
            Assert.Equal(201, booked.Status);
            bookings.Add(new Booked(booked.Body.GetProperty("booking_id").GetGuid(), booked.Body.GetProperty("confirmation_code").GetString()!));
        }
        _bookings = bookings;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static DateTime LocalToUtc(DateOnly day, int hour, int minute, int second = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(hour, minute, second)), Zone);

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd");

    private async Task SeedAsync(IEnumerable<Seeded> rows)
    {
        await using var connection = await _db.OpenConnectionAsync();
        foreach (var row in rows)
        {
            await connection.ExecuteAsync("""
                insert into payments (booking_id, kind, method, amount, taken_by, created_at)
                values (@BookingId, @Kind, @Method, @Amount, @TakenBy, @CreatedAtUtc);
                insert into booking_events (booking_id, kind, actor, summary, created_at)
                values (@BookingId, case when @Kind = 'payment' then 'paid' else 'refunded' end, @TakenBy, 'Seeded', @CreatedAtUtc);
                """, row);
        }
    }

    /// <summary>A's day: every method, a cash and a card refund, and payments a second either side of both local midnights; B's too.</summary>
    private List<Seeded> ADay(string a, string b, DateOnly day)
    {
        var (one, two, three) = (_bookings[0].Id, _bookings[1].Id, _bookings[2].Id);
        var previous = day.AddDays(-1);
        var next = day.AddDays(1);
        return
        [
            new(a, one, PaymentKind.Payment, PaymentMethod.Cash, 40.00m, LocalToUtc(previous, 23, 59, 59)),
            new(a, one, PaymentKind.Payment, PaymentMethod.Cash, 30.00m, LocalToUtc(day, 0, 0, 1)),
            new(a, one, PaymentKind.Payment, PaymentMethod.Card, 55.25m, LocalToUtc(day, 10, 15)),
            new(a, two, PaymentKind.Payment, PaymentMethod.Cash, 20.50m, LocalToUtc(day, 11, 0)),
            new(a, two, PaymentKind.Payment, PaymentMethod.Other, 12.00m, LocalToUtc(day, 12, 0)),
            new(a, two, PaymentKind.Refund, PaymentMethod.Cash, 7.25m, LocalToUtc(day, 13, 30)),
            new(a, three, PaymentKind.Refund, PaymentMethod.Card, 10.00m, LocalToUtc(day, 14, 0)),
            new(a, three, PaymentKind.Payment, PaymentMethod.Cash, 9.99m, LocalToUtc(day, 23, 59, 59)),
            new(a, three, PaymentKind.Payment, PaymentMethod.Cash, 500.00m, LocalToUtc(next, 0, 0, 0)),
            new(b, three, PaymentKind.Payment, PaymentMethod.Cash, 100.00m, LocalToUtc(day, 9, 0)),
            new(b, three, PaymentKind.Payment, PaymentMethod.Card, 25.00m, LocalToUtc(day, 9, 30)),
        ];
    }

    /// <summary>What the seeded rows say of one staff member's local day, worked out here from the rows themselves.</summary>
    private static List<Seeded> OnLocalDay(IEnumerable<Seeded> rows, string who, DateOnly day) =>
        rows.Where(r => r.TakenBy == who && DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(r.CreatedAtUtc, Zone)) == day).ToList();

    private static decimal Sum(IEnumerable<Seeded> rows, string kind, string? method = null) =>
        rows.Where(r => r.Kind == kind && (method is null || r.Method == method)).Sum(r => r.Amount);

    private static string Field(IHtmlDocument page, string selector) =>
        (page.QuerySelector(selector) ?? throw new Xunit.Sdk.XunitException($"no {selector} on the page")).TextContent.Trim();

    private async Task<StaffSession> SignInAsync(string email) => await StaffSession.SignInAsync(_app, email);

    private async Task<long> ClosesOfAsync(string email)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from till_closes where staff_email = @email", new { email });
    }

    private static Task<HttpResponseMessage> CountAsync(StaffSession session, string path, string counted, string note = "") =>
        session.SubmitAsync(path, "#close-form", new() { ["CountedCash"] = counted, ["Note"] = note });

    [Fact]
    public async Task The_till_shows_an_agents_local_day_by_method_and_a_count_records_the_difference()
    {
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var b = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var day = new DateOnly(2026, 11, 20);
        var seeded = ADay(a, b, day);
        await SeedAsync(seeded);
        var mine = OnLocalDay(seeded, a, day);
        var agent = await SignInAsync(a);
        var path = $"/staff/till?day={Iso(day)}";

        var page = await agent.GetDocumentAsync(path);

        foreach (var method in PaymentMethod.All)
        {
            var row = $"#till-totals tr[data-method='{method}']";
            var taken = Sum(mine, PaymentKind.Payment, method);
            var refunded = Sum(mine, PaymentKind.Refund, method);
            Assert.Equal(mine.Count(r => r.Method == method && r.Kind == PaymentKind.Payment).ToString(), Field(page, $"{row} [data-field='payments']"));
            Assert.Equal(mine.Count(r => r.Method == method && r.Kind == PaymentKind.Refund).ToString(), Field(page, $"{row} [data-field='refunds']"));
            Assert.Equal(Display.Default.Price(taken), Field(page, $"{row} [data-field='taken']"));
            Assert.Equal(Display.Default.Price(refunded), Field(page, $"{row} [data-field='refunded']"));
            Assert.Equal(Display.Default.Price(taken - refunded), Field(page, $"{row} [data-field='net']"));
        }
        var expectedCash = Sum(mine, PaymentKind.Payment, PaymentMethod.Cash) - Sum(mine, PaymentKind.Refund, PaymentMethod.Cash);
        Assert.Equal(Display.Default.Price(expectedCash), Field(page, "[data-field='expected-cash']"));
        Assert.Equal(Display.Default.Price(Sum(mine, PaymentKind.Payment) - Sum(mine, PaymentKind.Refund)), Field(page, "#till-totals tr[data-method='all'] [data-field='net']"));
        var listed = page.QuerySelectorAll("#till-payments tbody tr").ToList();
        Assert.Equal(mine.Count, listed.Count);
        Assert.Equal(mine.OrderBy(r => r.CreatedAtUtc).Select(r => _bookings.Single(bk => bk.Id == r.BookingId).Code),
            listed.Select(tr => tr.QuerySelector("td.font-mono")!.TextContent.Trim()));
        Assert.Equal("00:00", listed[0].QuerySelector("[data-field='time']")!.TextContent.Trim());
        Assert.Equal("Not closed yet", Field(page, "[data-field='close-state']"));

        var counted = expectedCash - 5.00m;
        var response = await CountAsync(agent, path, counted.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), "one fiver missing");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await agent.GetDocumentAsync(response.Headers.Location!.OriginalString);
        Assert.Equal($"{Display.Default.Price(5.00m)} short", Field(after, "#close-state [data-field='difference']"));
        Assert.Equal(Display.Default.Price(counted), Field(after, "#close-state [data-field='counted-cash']"));
        await using var connection = await _db.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(DateTime Day, decimal Expected, decimal Counted, decimal Difference, string ClosedBy, string? Note)>(
            "select business_day, expected_cash, counted_cash, difference, closed_by, note from till_closes where staff_email = @a", new { a });
        Assert.Equal((day.ToDateTime(TimeOnly.MinValue), expectedCash, counted, -5.00m, a, (string?)"one fiver missing"), stored);

        var over = await CountAsync(agent, path, $"${expectedCash + 2.50m:0.00}");
        Assert.Equal(HttpStatusCode.Redirect, over.StatusCode);
        Assert.Equal($"{Display.Default.Price(2.50m)} over", Field(await agent.GetDocumentAsync(path), "#close-state [data-field='difference']"));
        var exact = await CountAsync(agent, path, $"{expectedCash:0.00}");
        Assert.Equal(HttpStatusCode.Redirect, exact.StatusCode);
        Assert.Equal("exact", Field(await agent.GetDocumentAsync(path), "#close-state [data-field='difference']"));

        var closeOut = await agent.GetDocumentAsync(page.QuerySelector("#close-out-link")!.GetAttribute("href")!);
        Assert.Equal(Display.Default.Price(expectedCash), Field(closeOut, "#close-out-summary [data-field='expected-cash']"));
        Assert.Equal("exact", Field(closeOut, "#close-out-summary [data-field='difference']"));
        Assert.Equal(3, closeOut.QuerySelectorAll("#till-closes tbody tr").Length);
        Assert.NotNull(closeOut.QuerySelector("button[data-print]"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12.345")]
    [InlineData("1e3")]
    [InlineData("99999999999")]
    public async Task Counted_cash_that_is_not_an_amount_is_refused_with_a_message_and_records_nothing(string counted)
    {
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var agent = await SignInAsync(a);

        var response = await CountAsync(agent, "/staff/till", counted);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await StaffSession.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(Field(page, "#CountedCash-error")), $"no message for '{counted}'");
        Assert.Equal("true", page.QuerySelector("#CountedCash")!.GetAttribute("aria-invalid"));
        Assert.Equal(counted.Trim(), ((IHtmlInputElement)page.QuerySelector("#CountedCash")!).Value.Trim());
        Assert.Equal(0, await ClosesOfAsync(a));
    }

    [Fact]
    public async Task A_day_that_is_not_a_date_or_has_not_begun_is_refused_with_a_message_and_records_nothing()
    {
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var agent = await SignInAsync(a);

        var badDay = await agent.Http.GetAsync("/staff/till?day=tomorrow-ish");
        Assert.Equal(HttpStatusCode.BadRequest, badDay.StatusCode);
        Assert.Contains("must be a date", Field(await StaffSession.ParseAsync(badDay), "#day-error"));

        // Two days on: "tomorrow" read a moment before the operator's midnight has begun by the time it is posted.
        var later = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Zone)).AddDays(2);
        var future = await CountAsync(agent, $"/staff/till?day={Iso(later)}", "10.00");
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Contains("has not started yet", Field(await StaffSession.ParseAsync(future), "#CountedCash-error"));

        var longNote = await CountAsync(agent, "/staff/till", "10.00", new string('x', 501));
        Assert.Equal(HttpStatusCode.BadRequest, longNote.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(Field(await StaffSession.ParseAsync(longNote), "#Note-error")));
        Assert.Equal(0, await ClosesOfAsync(a));
    }

    [Fact]
    public async Task A_recount_is_a_new_row_the_page_shows_the_latest_and_the_database_refuses_to_change_a_close()
    {
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var day = new DateOnly(2026, 11, 21);
        await SeedAsync([new(a, _bookings[0].Id, PaymentKind.Payment, PaymentMethod.Cash, 50.00m, LocalToUtc(day, 9, 0))]);
        var agent = await SignInAsync(a);
        var path = $"/staff/till?day={Iso(day)}";
        Assert.Equal(HttpStatusCode.Redirect, (await CountAsync(agent, path, "50")).StatusCode);

        await SeedAsync([new(a, _bookings[1].Id, PaymentKind.Payment, PaymentMethod.Cash, 20.00m, LocalToUtc(day, 16, 0))]);
        var changed = await agent.GetDocumentAsync(path);
        Assert.Equal("exact", Field(changed, "#close-state [data-field='difference']"));
        Assert.NotNull(changed.QuerySelector("#close-state [data-field='changed']"));
        Assert.Equal(Display.Default.Price(70.00m), Field(changed, "[data-field='expected-cash']"));

        Assert.Equal(HttpStatusCode.Redirect, (await CountAsync(agent, path, "69.00", "recount")).StatusCode);

        var page = await agent.GetDocumentAsync(path);
        Assert.Equal($"{Display.Default.Price(1.00m)} short", Field(page, "#close-state [data-field='difference']"));
        Assert.Null(page.QuerySelector("#close-state [data-field='changed']"));
        var history = page.QuerySelectorAll("#till-closes tbody tr").ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(["true", "false"], history.Select(tr => tr.GetAttribute("data-latest")));
        Assert.Equal([Display.Default.Price(69.00m), Display.Default.Price(50.00m)], history.Select(tr => tr.QuerySelector("[data-field='counted']")!.TextContent.Trim()));
        Assert.Equal(2, await ClosesOfAsync(a));

        await using var connection = await _db.OpenConnectionAsync();
        var update = await Assert.ThrowsAsync<PostgresException>(() =>
            connection.ExecuteAsync("update till_closes set counted_cash = 70.00 where staff_email = @a", new { a }));
        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, update.SqlState);
        var delete = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("delete from till_closes where staff_email = @a", new { a }));
        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, delete.SqlState);
        Assert.Equal([50.00m, 69.00m], await connection.QueryAsync<decimal>(
            "select counted_cash from till_closes where staff_email = @a order by closed_at", new { a }));
        var negative = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("""
            insert into till_closes (staff_email, business_day, expected_cash, counted_cash, closed_by) values (@a, @day, 0, -1, @a)
            """, new { a, day }));
        Assert.Equal(PostgresErrorCodes.CheckViolation, negative.SqlState);
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_till_and_another_agents_is_forbidden()
    {
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var b = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var day = new DateOnly(2026, 11, 22);
        await SeedAsync(ADay(a, b, day));
        var agent = await SignInAsync(a);

        var own = await agent.GetDocumentAsync($"/staff/till?day={Iso(day)}&agent={Uri.EscapeDataString(a.ToUpperInvariant())}");
        Assert.Null(own.QuerySelector("#everyone"));
        Assert.DoesNotContain(own.QuerySelectorAll("#till-payments [data-field='amount']"), td => td.TextContent.Contains("100.00"));

        foreach (var page in new[] { "/staff/till", "/staff/till/close-out" })
        {
            var theirs = await agent.Http.GetAsync($"{page}?day={Iso(day)}&agent={Uri.EscapeDataString(b)}");
            Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
        }
        var form = (IHtmlFormElement)own.QuerySelector("#close-form")!;
        var token = ((IHtmlInputElement)form.QuerySelector("input[name='__RequestVerificationToken']")!).Value;
        var post = await agent.Http.PostAsync($"/staff/till?day={Iso(day)}&agent={Uri.EscapeDataString(b)}", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["CountedCash"] = "125.00" }));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, await ClosesOfAsync(b));

        var withoutToken = await agent.Http.PostAsync($"/staff/till?day={Iso(day)}", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["CountedCash"] = "125.00" }));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(0, await ClosesOfAsync(a));

        var anonymous = await StaffSession.NewClient(_app).GetAsync("/staff/till");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_admin_sees_every_till_of_the_day_and_opens_any_agents_close_out()
    {
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var b = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var day = new DateOnly(2026, 11, 23);
        var seeded = ADay(a, b, day);
        await SeedAsync(seeded);
        var closedOnly = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var quiet = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var agentB = await SignInAsync(b);
        var bExpected = Sum(OnLocalDay(seeded, b, day), PaymentKind.Payment, PaymentMethod.Cash);
        Assert.Equal(HttpStatusCode.Redirect, (await CountAsync(agentB, $"/staff/till?day={Iso(day)}", $"{bExpected - 3:0.00}")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await CountAsync(await SignInAsync(closedOnly), $"/staff/till?day={Iso(day)}", "0")).StatusCode);
        var admin = await StaffSession.SignInAsync(_app, _db, StaffRoles.Admin);

        var page = await admin.GetDocumentAsync($"/staff/till?day={Iso(day)}");

        var rows = page.QuerySelectorAll("#everyone tbody tr").ToDictionary(tr => tr.GetAttribute("data-staff")!);
        Assert.Equal(new HashSet<string> { a, b, closedOnly }, rows.Keys.ToHashSet());
        Assert.DoesNotContain(quiet, rows.Keys);
        foreach (var who in new[] { a, b })
        {
            var mine = OnLocalDay(seeded, who, day);
            Assert.Equal(mine.Count.ToString(), Field(page, $"#everyone tr[data-staff='{who}'] [data-field='entries']"));
            Assert.Equal(Display.Default.Price(Sum(mine, PaymentKind.Payment)), Field(page, $"#everyone tr[data-staff='{who}'] [data-field='taken']"));
            Assert.Equal(Display.Default.Price(Sum(mine, PaymentKind.Refund)), Field(page, $"#everyone tr[data-staff='{who}'] [data-field='refunded']"));
            Assert.Equal(Display.Default.Price(Sum(mine, PaymentKind.Payment, PaymentMethod.Cash) - Sum(mine, PaymentKind.Refund, PaymentMethod.Cash)),
                Field(page, $"#everyone tr[data-staff='{who}'] [data-field='expected-cash']"));
        }
        Assert.Equal("Not closed", Field(page, $"#everyone tr[data-staff='{a}'] [data-field='close-state']"));
        Assert.Equal($"{Display.Default.Price(3.00m)} short", Field(page, $"#everyone tr[data-staff='{b}'] [data-field='close-state']"));
        Assert.Equal("exact", Field(page, $"#everyone tr[data-staff='{closedOnly}'] [data-field='close-state']"));

        var aTill = await admin.GetDocumentAsync(rows[a].QuerySelector("a")!.GetAttribute("href")!);
        var aExpected = Sum(OnLocalDay(seeded, a, day), PaymentKind.Payment, PaymentMethod.Cash) - Sum(OnLocalDay(seeded, a, day), PaymentKind.Refund, PaymentMethod.Cash);
        Assert.Equal(Display.Default.Price(aExpected), Field(aTill, "[data-field='expected-cash']"));
        var closeOut = await admin.GetDocumentAsync(aTill.QuerySelector("#close-out-link")!.GetAttribute("href")!);
        Assert.Equal(Display.Default.Price(aExpected), Field(closeOut, "#close-out-summary [data-field='expected-cash']"));
        Assert.Equal(OnLocalDay(seeded, a, day).Count, closeOut.QuerySelectorAll("#till-payments tbody tr").Length);

        var countedForA = await admin.SubmitAsync(rows[a].QuerySelector("a")!.GetAttribute("href")!, "#close-form", new() { ["CountedCash"] = $"{aExpected:0.00}" });
        Assert.Equal(HttpStatusCode.Redirect, countedForA.StatusCode);
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal((a, admin.Email!), await connection.QuerySingleAsync<(string, string)>(
            "select staff_email, closed_by from till_closes where staff_email = @a", new { a }));

        var nobody = await admin.Http.GetAsync($"/staff/till?day={Iso(day)}&agent=nobody%40jkboats.example");
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    [Fact]
    public async Task Counts_beyond_the_per_client_limit_get_429_and_record_nothing_while_the_till_still_shows()
    {
        await using var limited = new JkBoatsApp(_app.ConnectionString, new Dictionary<string, string?>
        {
            ["JkBoats:TimeZone"] = TimeZone, ["JkBoats:RateLimits:TillClosesPerMinute"] = "2",
        });
        var a = await StaffSession.CreateStaffAsync(_db, StaffRoles.Agent);
        var agent = await StaffSession.SignInAsync(limited, a);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await CountAsync(agent, "/staff/till", "10.00")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(2, await ClosesOfAsync(a));
        Assert.Equal(HttpStatusCode.OK, (await agent.Http.GetAsync("/staff/till")).StatusCode);
    }
}
