using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>The counter's fast lane and the staff area's polish: the payment choice of a walk-in, the focus after a refusal and
/// after a sale, the board's shortcuts, the move's review, the schedule's departed trips and the team's last sign-in.</summary>
[Collection(AppCollection.Name)]
public sealed class FastLaneTests(AppFixture fixture)
{
    private static readonly System.Globalization.CultureInfo UsEnglish = System.Globalization.CultureInfo.GetCultureInfo("en-US");

    private static string WalkIn(TestDeparture departure) => $"/staff/departures/{departure.DepartureId}/walk-in";

    [Fact]
    public async Task An_unknown_payment_method_is_refused_on_its_field_with_400_and_sells_nothing()
    {
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var refused = await agent.SubmitAsync(WalkIn(departure), "#walk-in-form",
            new() { ["FullName"] = "Pay Oddly", ["Counts[adult]"] = "2", ["PaymentMethod"] = "bitcoin" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await StaffSession.ParseAsync(refused);
        Assert.Contains("cash, card or other", page.QuerySelector("#PaymentMethod-error")!.TextContent);
        Assert.Equal("payment-none", Assert.Single(page.QuerySelectorAll("#walk-in-form [autofocus]")).Id);
        Assert.Equal("Pay Oddly", ((IHtmlInputElement)page.QuerySelector("#FullName")!).Value);
        Assert.Equal(new SeatState(10, 10, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Theory]
    [InlineData("cash")]
    [InlineData("card")]
    [InlineData("other")]
    [InlineData("")]
    public async Task Each_payment_choice_sells_the_walk_in(string method)
    {
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var form = (await agent.GetDocumentAsync(WalkIn(departure))).QuerySelector("#walk-in-form")!;
        Assert.Equal(["", "cash", "card", "other"], form.QuerySelectorAll("input[name=PaymentMethod]").Select(r => r.GetAttribute("value")));
        Assert.Equal("", form.QuerySelector("input[name=PaymentMethod][checked]")!.GetAttribute("value"));

        var sold = await agent.SubmitAsync(WalkIn(departure), "#walk-in-form",
            new() { ["FullName"] = "Pay Properly", ["Counts[adult]"] = "2", ["Counts[child]"] = "1", ["PaymentMethod"] = method });

        Assert.Equal(HttpStatusCode.Redirect, sold.StatusCode);
        Assert.Equal(new SeatState(10, 7, 3, 1), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_refused_walk_in_puts_the_focus_on_the_first_field_that_failed_and_ties_it_to_its_message()
    {
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var fresh = await agent.GetDocumentAsync(WalkIn(departure));
        Assert.Equal("FullName", Assert.Single(fresh.QuerySelectorAll("#walk-in-form [autofocus]")).Id);

        var noName = await StaffSession.ParseAsync(await agent.SubmitAsync(WalkIn(departure), "#walk-in-form",
            new() { ["FullName"] = "", ["Counts[adult]"] = "0", ["Phone"] = "12" }));
        var name = Assert.Single(noName.QuerySelectorAll("#walk-in-form [autofocus]"));
        Assert.Equal("FullName", name.Id);
        Assert.Equal("true", name.GetAttribute("aria-invalid"));
        Assert.False(string.IsNullOrWhiteSpace(noName.GetElementById(name.GetAttribute("aria-describedby")!)?.TextContent));

        await fixture.TakeSeatsAsync(departure.DepartureId, 5);
        var tooMany = await StaffSession.ParseAsync(await agent.SubmitAsync(WalkIn(departure), "#walk-in-form",
            new() { ["FullName"] = "Big Party", ["Counts[adult]"] = "6" }));
        var adults = Assert.Single(tooMany.QuerySelectorAll("#walk-in-form [autofocus]"));
        Assert.Equal("fare-adult", adults.Id);
        Assert.Equal("true", adults.GetAttribute("aria-invalid"));
        Assert.Contains("seats", tooMany.GetElementById(adults.GetAttribute("aria-describedby")!)!.TextContent);

        var badPhone = await StaffSession.ParseAsync(await agent.SubmitAsync(WalkIn(departure), "#walk-in-form",
            new() { ["FullName"] = "Phone Typo", ["Counts[adult]"] = "1", ["Phone"] = "12" }));
        Assert.Equal("Phone", Assert.Single(badPhone.QuerySelectorAll("#walk-in-form [autofocus]")).Id);
        Assert.Equal(5, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    [Fact]
    public async Task A_walk_in_may_give_no_phone_and_the_receipt_offers_the_next_sale_with_the_focus_and_the_board()
    {
        var departure = await fixture.Data.CreateFamilyDepartureSoonAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var sold = await agent.SubmitAsync(WalkIn(departure), "#walk-in-form", new() { ["FullName"] = "No Phone", ["Counts[adult]"] = "1" });

        Assert.Equal(HttpStatusCode.Redirect, sold.StatusCode);
        var receipt = await agent.GetDocumentAsync(sold.Headers.Location!.OriginalString);
        var another = Assert.Single(receipt.QuerySelectorAll("[autofocus]"));
        Assert.Equal("Sell another on this departure", another.TextContent.Trim());
        Assert.Equal(WalkIn(departure), another.GetAttribute("href"));
        var board = receipt.QuerySelectorAll("#after-sale a").Single(a => a.TextContent.Trim() == "Back to the board");
        Assert.Equal($"/staff/board?date={departure.DepartureTime:yyyy-MM-dd}", board.GetAttribute("href"));
        Assert.Contains(receipt.QuerySelectorAll("dd"), dd => dd.TextContent.Trim() == "none given");
        Assert.Contains("No Phone · 1 seat · $25.00", receipt.QuerySelector("section[aria-labelledby=code-label]")!.TextContent);
    }

    [Fact]
    public async Task The_board_shows_its_shortcuts_and_marks_the_next_departures_walk_in_for_the_w_key()
    {
        var day = DateTime.UtcNow.Date.AddDays(400 + Random.Shared.Next(3000)); // a day no other test of the shared database uses
        var later = await fixture.Data.CreateDepartureAsync(departureTime: day.AddHours(15));
        var next = await fixture.Data.AddDepartureAsync(later, day.AddHours(11));
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var board = await agent.GetDocumentAsync($"/staff/board?date={day:yyyy-MM-dd}");

        Assert.Equal("/ search · c check-in · w walk-in next departure", board.QuerySelector("#shortcuts")!.TextContent.Replace("Keyboard shortcuts: ", "").Trim());
        var marked = Assert.Single(board.QuerySelectorAll("[data-next-walk-in]"));
        Assert.Equal(WalkIn(next), marked.GetAttribute("href"));
        Assert.Equal("w", marked.GetAttribute("aria-keyshortcuts"));
        Assert.Equal("/", board.QuerySelector("#q")!.GetAttribute("aria-keyshortcuts"));
        Assert.Equal("c", board.QuerySelector("#code")!.GetAttribute("aria-keyshortcuts"));
    }

    [Fact]
    public async Task Staff_pages_have_their_own_header_and_the_menu_marks_the_current_page()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);

        foreach (var (path, entry) in new[] { ("/staff/board", "Departure board"), ("/staff/admin/team", "Staff"), ("/staff/bookings?q=JKB", "Find booking") })
        {
            var page = await admin.GetDocumentAsync(path);
            Assert.Contains("Front desk", page.QuerySelector("header")!.TextContent);
            Assert.Null(page.QuerySelector("nav[aria-label=Main]"));
            Assert.DoesNotContain(page.QuerySelectorAll("header a"), a => a.TextContent.Trim() is "Find a trip" or "My bookings");
            var current = Assert.Single(page.QuerySelectorAll("nav[aria-label='Front desk'] [aria-current]"));
            Assert.Equal(("page", entry), (current.GetAttribute("aria-current"), current.TextContent.Trim()));
        }
    }

    [Fact]
    public async Task A_move_waits_for_confirmation_lists_the_same_destination_first_and_says_from_where_to_where()
    {
        var destination = $"Island A {Guid.NewGuid().ToString()[..6]}";
        var source = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 20m, destination: destination, departureTime: DateTime.UtcNow.Date.AddDays(6).AddHours(9));
        var elsewhere = await fixture.Data.AddDepartureAsync(source, source.DepartureTime.AddHours(-1), destination: $"Elsewhere {Guid.NewGuid().ToString()[..6]}");
        var target = await fixture.Data.AddDepartureAsync(source, source.DepartureTime.AddDays(1).AddHours(1), price: 30m);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var sold = await agent.SubmitAsync(WalkIn(source), "#walk-in-form", new() { ["FullName"] = "Mover Family", ["Counts[adult]"] = "3" });
        var details = sold.Headers.Location!.OriginalString.Split('?')[0];
        var code = (await agent.GetDocumentAsync(details)).QuerySelector("[data-field=code]")!.TextContent.Trim();

        var page = await agent.GetDocumentAsync(details);
        var options = page.QuerySelectorAll("#targetDepartureId option").Select(o => o.GetAttribute("value")).ToList();
        Assert.True(options.IndexOf(target.DepartureId.ToString()) < options.IndexOf(elsewhere.DepartureId.ToString()), "the same destination comes first");

        var review = await agent.SubmitAsync(details, "form[action*='handler=Move']", new() { ["targetDepartureId"] = target.DepartureId.ToString() });

        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        var reviewPage = await StaffSession.ParseAsync(review);
        var from = $"{source.DepartureTime.ToString("ddd d MMM", UsEnglish)} 09:00 {destination}";
        var to = $"{target.DepartureTime.ToString("ddd d MMM", UsEnglish)} 10:00 {destination}";
        Assert.Equal($"Move {code} (3 passengers) from {from} to {to} ({target.BoatName}), price difference $30.00 more (new total $90.00).",
            string.Join(' ', reviewPage.QuerySelector("[data-field=move-review]")!.TextContent.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(3, (await fixture.Data.SeatStateAsync(source.DepartureId)).ConfirmedSeats);
        Assert.Equal(0, (await fixture.Data.SeatStateAsync(target.DepartureId)).ConfirmedSeats);
        Assert.Equal(details, reviewPage.QuerySelectorAll("#move-review a").Single(a => a.TextContent.Trim() == "Back").GetAttribute("href"));

        var confirm = (IHtmlFormElement)reviewPage.QuerySelector("#move-review form")!;
        var moved = await agent.SubmitAsync(confirm, []);

        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(0, (await fixture.Data.SeatStateAsync(source.DepartureId)).ConfirmedSeats);
        Assert.Equal(3, (await fixture.Data.SeatStateAsync(target.DepartureId)).ConfirmedSeats);
        var after = await agent.GetDocumentAsync(moved.Headers.Location!.OriginalString);
        Assert.Equal($"Booking moved from {from} to {to}.", after.QuerySelector("p[role=status]")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_schedule_shows_todays_departed_trip_as_departed_and_a_later_one_as_scheduled()
    {
        await TimeOfDay.AwayFromMidnightAsync(TimeSpan.FromMinutes(1)); // today's schedule, read after the update
        var gone = await fixture.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(2));
        var calendar = fixture.App.Services.GetRequiredService<OperatorCalendar>();
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            // Left a moment ago, still the operator's today (not the database session's date_trunc, whose zone is the server's).
            await connection.ExecuteAsync("update departures set departure_time = greatest(now() - interval '1 minute', @startOfToday) where id = @id",
                new { id = gone.DepartureId, startOfToday = calendar.StartOfDayUtc(calendar.Today) });
        }
        var soon = await fixture.Data.AddDepartureAsync(gone, DateTime.UtcNow.AddDays(2));
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);

        var schedule = await admin.GetDocumentAsync("/staff/admin/departures");

        string Status(TestDeparture d) => schedule.QuerySelectorAll("#departures tbody tr")
            .Single(tr => tr.QuerySelector($"a[href*='{d.DepartureId}']") is not null).QuerySelector("[data-field=status]")!.TextContent.Trim();
        Assert.Equal("departed", Status(gone));
        Assert.Equal("scheduled", Status(soon));
    }

    [Fact]
    public async Task The_add_departure_form_is_today_at_nine_and_resets_to_it_after_adding_one()
    {
        await TimeOfDay.AwayFromMidnightAsync(TimeSpan.FromMinutes(1)); // "today" is read here and by two pages
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var boat = (await fixture.Data.CreateDepartureAsync()).BoatId.ToString();
        var today = fixture.App.Services.GetRequiredService<OperatorCalendar>().Today;

        var fresh = await admin.GetDocumentAsync("/staff/admin/departures");
        Assert.Equal((today.ToString("yyyy-MM-dd"), "09:00"), (Value(fresh, "#date"), Value(fresh, "#time")));

        var used = today.AddDays(9).ToString("yyyy-MM-dd");
        var added = await admin.SubmitAsync("/staff/admin/departures", "form:has(#destination)", new()
        {
            ["boatId"] = boat, ["destination"] = $"Keep Day {Guid.NewGuid().ToString()[..6]}", ["price"] = "25.00", ["date"] = used, ["time"] = "14:30",
        });

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var next = await admin.GetDocumentAsync(added.Headers.Location!.OriginalString);
        Assert.Equal("Departure added.", next.QuerySelector("p[role=status]")!.TextContent.Trim());
        Assert.Equal((today.ToString("yyyy-MM-dd"), "09:00"), (Value(next, "#date"), Value(next, "#time")));
        Assert.Equal("off", next.QuerySelector("form:has(#destination)")!.GetAttribute("autocomplete")); // no browser restores the last day
    }

    [Fact]
    public async Task The_team_page_shows_each_members_last_sign_in_in_the_operators_time()
    {
        var agentEmail = await StaffSession.CreateStaffAsync(fixture.Db, StaffRoles.Agent);
        var neverEmail = await StaffSession.CreateStaffAsync(fixture.Db, StaffRoles.Agent);
        await StaffSession.SignInAsync(fixture.App, agentEmail);
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var signedInAt = await connection.QuerySingleAsync<DateTime?>("select last_sign_in_at from staff where email = @agentEmail", new { agentEmail });
        Assert.NotNull(signedInAt);
        Assert.True(DateTime.UtcNow - signedInAt.Value.ToUniversalTime() < TimeSpan.FromMinutes(1));

        var team = await admin.GetDocumentAsync("/staff/admin/team");

        Assert.Equal($"Last sign-in: {Display.Default.DayAndTime(signedInAt.Value.ToUniversalTime())}", LastSignIn(team, agentEmail));
        Assert.Equal("Last sign-in: never", LastSignIn(team, neverEmail));
    }

    [Fact]
    public async Task A_deactivated_agent_cannot_sign_in_and_their_open_session_ends_at_the_next_request()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        Assert.Equal(HttpStatusCode.OK, (await agent.Http.GetAsync("/staff/board")).StatusCode);
        var team = await admin.GetDocumentAsync("/staff/admin/team");
        var form = (IHtmlFormElement)Row(team, agent.Email!).QuerySelector("form[action*='handler=Update']")!;
        form.QuerySelector("input[name='isActive']")!.Remove();

        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(form, [])).StatusCode);

        var next = await agent.Http.GetAsync("/staff/board");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Equal("/staff/signin", next.Headers.Location!.AbsolutePath);
        var again = new StaffSession(StaffSession.NewClient(fixture.App));
        var refused = await again.SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = agent.Email!, ["password"] = StaffSession.Password });
        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await StaffSession.ParseAsync(refused)).QuerySelector("#signin-error")?.TextContent));
        Assert.Equal(HttpStatusCode.Redirect, (await again.Http.GetAsync("/staff/board")).StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_deactivate_themselves()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var team = await admin.GetDocumentAsync("/staff/admin/team");
        var form = (IHtmlFormElement)Row(team, admin.Email!).QuerySelector("form[action*='handler=Update']")!;
        form.QuerySelector("input[name='isActive']")!.Remove();

        var refused = await StaffSession.ParseAsync(await admin.SubmitAsync(form, []));

        Assert.Contains("cannot remove your own admin access or deactivate yourself", refused.QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/staff/admin/team")).StatusCode);
    }

    /// <summary>On a database of its own (the shared one has many admins): the last active admin is never demoted or deactivated, even
    /// when two admins demote each other at the same moment (the active admins' rows are locked before the count).</summary>
    [Fact]
    public async Task The_last_active_admin_stays_even_when_two_admins_demote_each_other_at_once()
    {
        await using var db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_admins"));
        var staff = new StaffRepository(db);
        async Task<Guid> AdminAsync()
        {
            await using var connection = await db.OpenConnectionAsync();
            return await connection.QuerySingleAsync<Guid>("insert into staff (email, display_name, role, password_hash) values (@email, 'Admin', 'admin', 'x') returning id",
                new { email = $"{Guid.NewGuid():N}@jkboats.example" });
        }
        var only = await AdminAsync();
        Assert.Equal(StaffUpdateResult.LastAdmin, await staff.UpdateAsync(only, "Admin", StaffRoles.Admin, isActive: false, CancellationToken.None));
        Assert.Equal(StaffUpdateResult.LastAdmin, await staff.UpdateAsync(only, "Admin", StaffRoles.Agent, isActive: true, CancellationToken.None));
        Assert.Equal(StaffUpdateResult.Done, await staff.UpdateAsync(only, "Renamed", StaffRoles.Admin, isActive: true, CancellationToken.None));

        for (var round = 0; round < 10; round++)
        {
            var other = await AdminAsync();
            var results = await Task.WhenAll(
                Task.Run(() => staff.UpdateAsync(only, "Admin", StaffRoles.Agent, isActive: true, CancellationToken.None)),
                Task.Run(() => staff.UpdateAsync(other, "Admin", StaffRoles.Admin, isActive: false, CancellationToken.None)));
            Assert.Single(results, r => r == StaffUpdateResult.Done);
            Assert.Single(results, r => r == StaffUpdateResult.LastAdmin);
            await using var connection = await db.OpenConnectionAsync();
            only = await connection.QuerySingleAsync<Guid>("select id from staff where role = 'admin' and is_active");
        }
    }

    private static string? Value(IHtmlDocument page, string selector) => ((IHtmlInputElement)page.QuerySelector(selector)!).Value;

    private static AngleSharp.Dom.IElement Row(IHtmlDocument team, string email) =>
        team.QuerySelectorAll("#team tbody tr").Single(tr => tr.QuerySelector("td")!.TextContent.Trim().StartsWith(email, StringComparison.Ordinal));

    private static string LastSignIn(IHtmlDocument team, string email) => Row(team, email).QuerySelector("[data-field=last-sign-in]")!.TextContent.Trim();
}
