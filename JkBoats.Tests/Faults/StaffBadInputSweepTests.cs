using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Hostile values posted by a signed-in admin with a valid antiforgery token to every staff form never cause a 5xx; a refused post (the form
/// again or a 4xx) changes no row in bookings, departures, boats or staff; what was accepted renders as text.</summary>
// Its own database: the fingerprint hashes whole tables before and after every post, and the shared one holds the storms' rows.
public sealed class StaffBadInputSweepTests(AppFixture fixture, ITestOutputHelper output) : IClassFixture<AppFixture>
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "<img src=x onerror=alert(1)>";

    private static readonly string[] Hostile =
    [
        .. BadInputSweepTests.Hostile, new('b', 100_000), "\u0000abc", "abc\u0000", "\u001b[31mred", "-99999999", "2147483648", "-2147483649",
        "1e400", "NaN", "00000000-0000-0000-0000-000000000000", "not-a-guid", "{00000000-0000-0000-0000-00000000000g}",
        "2001-01-01", "1970-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "31/12/2030", "2030-13-01", "24:00", "99:99", "-01:00",
        Script + " " + Img, "Robert'); drop table departures; --",
    ];

    private sealed record Answer(string What, HttpStatusCode Status, bool Changed);

    [Fact(Timeout = 300_000)]
    public async Task Hostile_staff_form_posts_never_fail_write_nothing_when_refused_and_render_stored_values_as_text()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, "admin");
        var walkInDeparture = await fixture.Data.CreateDepartureAsync(capacity: 900, departureTime: DateTime.UtcNow.AddDays(40).Date.AddHours(9));
        var editDeparture = await fixture.Data.CreateDepartureAsync(capacity: 20, departureTime: DateTime.UtcNow.AddDays(41).Date.AddHours(9));
        var cancelDeparture = await fixture.Data.CreateDepartureAsync(capacity: 20, departureTime: DateTime.UtcNow.AddDays(42).Date.AddHours(9));
        var bookingDeparture = await fixture.Data.CreateDepartureAsync(capacity: 20, departureTime: DateTime.UtcNow.AddDays(43).Date.AddHours(9));
        using var api = fixture.CreateClient();
        var booked = await BookingApi.PostAsync(api, BookingApi.Body(bookingDeparture.DepartureId, 2));
        Assert.Equal(201, booked.Status);
        var bookingId = booked.Body.GetProperty("booking_id").GetString()!;
        var cancelBooked = await BookingApi.PostAsync(api, BookingApi.Body(cancelDeparture.DepartureId, 2));
        Assert.Equal(201, cancelBooked.Status);
        var teammate = await StaffSession.CreateStaffAsync(fixture.Db, "agent");
        Guid teammateId;
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            teammateId = await connection.ExecuteScalarAsync<Guid>("select id from staff where email = @teammate", new { teammate });
        }
        var day = DateTime.UtcNow.AddDays(300).ToString("yyyy-MM-dd");
        var answers = new List<Answer>();

        async Task PostAsync(string what, string page, string selector, Dictionary<string, string> values, string? target = null)
        {
            var before = await FingerprintAsync();
            using var response = await SubmitAsync(admin, page, selector, values, target);
            var after = await FingerprintAsync();
            answers.Add(new Answer(what, response.StatusCode, before != after));
            using var probe = await admin.Http.GetAsync("/staff/admin/team");
            Assert.True(probe.StatusCode == HttpStatusCode.OK, $"signed out after {what}: {(int)response.StatusCode} {string.Join(" ", response.Headers.Where(h => h.Key == "Set-Cookie").SelectMany(h => h.Value))}");
        }

        foreach (var value in Hostile)
        {
            var v = Shorten(value);
            var walkIn = $"/staff/departures/{walkInDeparture.DepartureId}/walk-in";
            var walkInValid = new Dictionary<string, string> { ["FullName"] = "Walk In", ["Phone"] = "+14155550132", ["Email"] = "walk@example.com", ["Counts[adult]"] = "1" };
            foreach (var field in new[] { "FullName", "Phone", "Email", "Counts[adult]", "IdempotencyKey" })
            {
                await PostAsync($"walk-in {field}={v}", walkIn, "#walk-in-form", new(walkInValid) { [field] = value });
            }
            // Booking move (cancel comes last: it ends the booking).
            await PostAsync($"booking move target={v}", $"/staff/bookings/{bookingId}", "form[action*='handler=Move']", new() { ["targetDepartureId"] = value });
            foreach (var field in new[] { "name", "capacity", "hasAc" })
            {
                var boat = new Dictionary<string, string> { ["name"] = $"Sweep Boat {Guid.NewGuid():N}"[..20], ["capacity"] = "12", ["hasAc"] = "true" };
                await PostAsync($"boat create {field}={v}", "/staff/admin/boats", "form[action*='handler=Create']", new(boat) { [field] = value });
                boat["id"] = editDeparture.BoatId.ToString();
                boat["name"] = editDeparture.BoatName;
                await PostAsync($"boat edit {field}={v}", "/staff/admin/boats", "form[action*='handler=Update']", new(boat) { [field] = value });
            }
            await PostAsync($"boat edit id={v}", "/staff/admin/boats", "form[action*='handler=Update']", new() { ["id"] = value, ["name"] = "Renamed", ["capacity"] = "12" });
            await PostAsync($"boat retire id={v}", "/staff/admin/boats", "form[action*='handler=Retire']", new() { ["id"] = value, ["retired"] = "true" });
            var create = new Dictionary<string, string>
            {
                ["boatId"] = editDeparture.BoatId.ToString(), ["destination"] = "Sweep Cove", ["price"] = "25.50", ["date"] = day, ["time"] = "07:15",
            };
            foreach (var field in create.Keys.ToList())
            {
                await PostAsync($"departure create {field}={v}", "/staff/admin/departures", "form[action*='handler=Create']", new(create) { [field] = value });
            }
            var edit = new Dictionary<string, string>
            {
                ["boatId"] = editDeparture.BoatId.ToString(), ["destination"] = editDeparture.Destination, ["price"] = "25.00",
                ["date"] = editDeparture.DepartureTime.ToString("yyyy-MM-dd"), ["time"] = editDeparture.DepartureTime.ToString("HH:mm"),
            };
            foreach (var field in edit.Keys.ToList())
            {
                await PostAsync($"departure edit {field}={v}", $"/staff/admin/departures/{editDeparture.DepartureId}", "form.grid", new(edit) { [field] = value });
            }
            var recurring = new Dictionary<string, string>
            {
                ["BoatId"] = editDeparture.BoatId.ToString(), ["Destination"] = "Sweep Bay", ["Price"] = "30", ["From"] = day, ["To"] = day, ["Times"] = "06:45",
            };
            foreach (var field in recurring.Keys.Append("Days").ToList())
            {
                foreach (var handler in new[] { "Preview", "Create" })
                {
                    await PostAsync($"recurring {handler} {field}={v}", "/staff/admin/departures/recurring", "form.grid", new(recurring) { [field] = value },
                        target: $"/staff/admin/departures/recurring?handler={handler}");
                }
            }
            // Departure cancellation: a hostile move target first (must never cancel), then hostile reasons.
            var cancel = $"/staff/admin/departures/{cancelDeparture.DepartureId}/cancel";
            // (Posted as confirmed, past the review step; "cancel" is the form's own "cancel them all" choice, posted last below.)
            await PostAsync($"departure cancel moveTo={v}", cancel, "#cancel-form", new() { ["reason"] = "Storm", ["mode"] = "move:" + value, ["reviewed"] = "true" });
            await PostAsync($"departure cancel mode={v}", cancel, "#cancel-form", new() { ["reason"] = "Storm", ["mode"] = value, ["reviewed"] = "true" });
            await PostAsync($"departure cancel deadline={v}", cancel, "#cancel-form",
                new() { ["reason"] = "Storm", ["mode"] = "choose", ["deadline"] = value, ["reviewed"] = "true" });
            var add = new Dictionary<string, string>
            {
                ["email"] = $"sweep.{Guid.NewGuid():N}@jkboats.example", ["displayName"] = "Sweep Person", ["role"] = "agent", ["password"] = "a long enough password",
            };
            foreach (var field in add.Keys.ToList())
            {
                await PostAsync($"team add {field}={v}", "/staff/admin/team", "form[action*='handler=Add']", new(add) { [field] = value });
            }
            var update = new Dictionary<string, string> { ["id"] = teammateId.ToString(), ["displayName"] = "Team Mate", ["role"] = "agent", ["isActive"] = "true" };
            foreach (var field in update.Keys.ToList())
            {
                await PostAsync($"team update {field}={v}", "/staff/admin/team", "form[action*='handler=Update']", new(update) { [field] = value });
            }
            await PostAsync($"team password id={v}", "/staff/admin/team", "form[action*='handler=Password']", new() { ["id"] = value, ["password"] = "another long password" });
            await PostAsync($"team password password={v}", "/staff/admin/team", "form[action*='handler=Password']", new() { ["id"] = teammateId.ToString(), ["password"] = value });
        }
        // Hostile cancellation reasons, until one is accepted (a cancelled departure or booking shows no form any more).
        foreach (var value in Hostile)
        {
            if (!answers.Any(a => Accepted(a) && a.What.StartsWith("departure cancel reason", StringComparison.Ordinal)))
            {
                await PostAsync($"departure cancel reason={Shorten(value)}", $"/staff/admin/departures/{cancelDeparture.DepartureId}/cancel", "#cancel-form",
                    new() { ["reason"] = value, ["mode"] = "cancel", ["reviewed"] = "true" });
            }
            if (!answers.Any(a => Accepted(a) && a.What.StartsWith("booking cancel reason", StringComparison.Ordinal)))
            {
                await PostAsync($"booking cancel reason={Shorten(value)}", $"/staff/bookings/{bookingId}", "form[action*='handler=Cancel']", new() { ["reason"] = value });
            }
        }
        Assert.Contains(answers, a => Accepted(a) && a.What.StartsWith("departure cancel reason", StringComparison.Ordinal));

        output.WriteLine($"{answers.Count} hostile staff posts: " + string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(int)g.Key}x{g.Count()}")) +
            $"; accepted (redirect) {answers.Count(Accepted)}, refused {answers.Count(a => !Accepted(a))}");
        foreach (var group in answers.GroupBy(a => a.What.Split('=')[0]))
        {
            output.WriteLine($"  {group.Key}: {string.Join(", ", group.GroupBy(a => a.Status).Select(g => $"{(int)g.Key}x{g.Count()}"))}");
        }
        var serverErrors = answers.Where(a => (int)a.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, "5xx: " + string.Join("; ", serverErrors));
        var refusedButWritten = answers.Where(a => !Accepted(a) && a.Changed).ToList();
        Assert.True(refusedButWritten.Count == 0, "refused but written: " + string.Join("; ", refusedButWritten));
        var wrongAccepts = answers.Where(a => Accepted(a) && (a.What.StartsWith("departure cancel moveTo", StringComparison.Ordinal)
            || a.What.StartsWith("departure cancel mode", StringComparison.Ordinal) || a.What.StartsWith("departure cancel deadline", StringComparison.Ordinal))).ToList();
        Assert.True(wrongAccepts.Count == 0, "a hostile move target cancelled the departure: " + string.Join("; ", wrongAccepts));
        var seatsMisread = answers.Where(a => Accepted(a) && a.What.StartsWith("walk-in Counts[adult]=", StringComparison.Ordinal)).ToList();
        Assert.True(seatsMisread.Count == 0, "a hostile seat count was sold: " + string.Join("; ", seatsMisread));
        var movedIntoPast = answers.Where(a => Accepted(a) && a.What is "departure edit date=2001-01-01" or "departure edit date=1970-01-01" or "departure edit date=0001-01-01").ToList();
        Assert.True(movedIntoPast.Count == 0, "a departure was moved into the past: " + string.Join("; ", movedIntoPast));
        var flagsMisread = answers.Where(a => Accepted(a) && (a.What.Contains(" isActive=", StringComparison.Ordinal) || a.What.Contains(" hasAc=", StringComparison.Ordinal))).ToList();
        Assert.True(flagsMisread.Count == 0, "a hostile flag was read as false: " + string.Join("; ", flagsMisread));
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
                "select count(*)::int from departures where departure_time < now() and (boat_id = @boat or destination in ('Sweep Cove', 'Sweep Bay'))", new { boat = editDeparture.BoatId }));
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from boats where capacity < 1 or capacity > 1000"));
        }
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());

        // Whatever was stored renders as text on the staff pages that show it.
        foreach (var page in new[]
                 {
                     "/staff/admin/boats", "/staff/admin/departures", "/staff/admin/team", $"/staff/bookings/{bookingId}",
                     $"/staff/departures/{walkInDeparture.DepartureId}", $"/staff/departures/{cancelDeparture.DepartureId}", "/staff/bookings?q=walk",
                 })
        {
            var document = await admin.GetDocumentAsync(page);
            Assert.Empty(document.QuerySelectorAll("script:not([src]), img[onerror]"));
        }
        var manifest = await admin.GetDocumentAsync($"/staff/departures/{walkInDeparture.DepartureId}");
        var boats = await admin.GetDocumentAsync("/staff/admin/boats");
        if (answers.Any(a => Accepted(a) && a.What.StartsWith($"walk-in FullName={Script}", StringComparison.Ordinal)))
        {
            Assert.Contains(Script, manifest.Body!.TextContent);
        }
        if (answers.Any(a => Accepted(a) && a.What.StartsWith($"boat create name={Shorten(Script + " " + Img)}", StringComparison.Ordinal)))
        {
            Assert.Contains(boats.QuerySelectorAll("input[name=name]"), i => ((IHtmlInputElement)i).Value == Script + " " + Img);
        }
    }

    private static bool Accepted(Answer answer) => answer.Status is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found;

    /// <summary>Fills and submits the form as a hostile client would: past the browser's checks, and to <paramref name="target"/> by a button it adds.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(StaffSession session, string page, string selector, Dictionary<string, string> values, string? target)
    {
        var document = await session.GetDocumentAsync(page);
        var form = document.QuerySelector(selector) as IHtmlFormElement ?? throw new InvalidOperationException($"no form {selector} on {page}");
        if (target is not null)
        {
            var button = document.CreateElement("button");
            button.SetAttribute("type", "submit");
            button.SetAttribute("formaction", target);
            button.Id = "sweep-target";
            form.AppendChild(button);
        }
        return await session.SubmitAsync(form, values, target is null ? null : "#sweep-target", pastBrowserChecks: true);
    }

    /// <summary>Every row of the four tables the staff forms write, hashed: any insert, update or delete changes it.</summary>
    private async Task<string> FingerprintAsync()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string>("""
            select concat_ws('|',
                (select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t.id)), '') from bookings t),
                (select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t.id)), '') from departures t),
                (select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t.id)), '') from boats t),
                (select count(*) || ':' || coalesce(md5(string_agg((t.id, t.email, t.display_name, t.role, t.password_hash, t.is_active)::text, ',' order by t.id)), '') from staff t))
            """);
    }

    private static string Shorten(string value) => value.Length > 24 ? value[..24] + $"…({value.Length})" : value;
}
