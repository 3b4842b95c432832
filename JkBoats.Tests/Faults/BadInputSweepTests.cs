using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using JkBoats.Tests.Staff;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Hostile input at every customer form and API endpoint gets a clear 4xx (or the form again), never a 5xx, and writes nothing.</summary>
[Collection(AppCollection.Name)]
public sealed class BadInputSweepTests(AppFixture fixture, ITestOutputHelper output)
{
    public static readonly string[] Hostile =
    [
        "", " ", "\t", new('a', 20_000), "'; drop table bookings; --", "\" or 1=1 --", "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>", "\u0000", "a\u0007b", "x\r\nX-Injected: 1", "\u202Eevil", "\uFEFF", "👩‍👩‍👧‍👦",
        "Zalgo̴̡̢͇", "%00", "${jndi:ldap://x}", "{{7*7}}", "../../etc/passwd", "null", "-1", "0", "99999999999999999999", "1e3", "1.5",
    ];

    private static readonly string[] RawApiBodies =
    [
        "", "null", "[]", "\"text\"", "42", "{", "{\"departure_id\":", "{}", "{\"departure_id\":null}",
        "{\"departure_id\":\"not-a-uuid\",\"seats_requested\":1,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":123,\"seats_requested\":\"two\",\"customer\":[]}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":-5,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":0,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":2147483648,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":1e309,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":1.5,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":1,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"\\ud800\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":1,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\\u0000B\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":1,\"customer\":{\"email\":{\"$ne\":null},\"full_name\":\"A\",\"phone\":\"+14155550132\"}}",
        "{\"departure_id\":\"DEP\",\"seats_requested\":1,\"seats_requested\":999,\"customer\":{\"email\":\"a@b.co\",\"full_name\":\"A\",\"phone\":\"1\"}}",
        new string('[', 5000) + new string(']', 5000),
        "{\"departure_id\":\"DEP\",\"pad\":\"" + new string('x', 40_000) + "\"}",
    ];

    [Fact]
    public async Task Hostile_api_requests_get_a_4xx_and_write_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        var past = await fixture.Data.CreateDepartureAsync(capacity: 5);
        await fixture.Data.MoveIntoPastAsync(past.DepartureId);
        using var http = fixture.CreateClient();
        var before = await CountsAsync();
        var answers = new List<(string What, int Status)>();

        foreach (var raw in RawApiBodies)
        {
            var answer = await BookingApi.PostRawAsync(http, raw.Replace("DEP", departure.DepartureId.ToString()));
            answers.Add(($"body {Shorten(raw)}", answer.Status));
        }
        foreach (var value in Hostile)
        {
            answers.Add(($"email {Shorten(value)}", (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email: value)))).Status));
            answers.Add(($"phone {Shorten(value)}", (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(phone: value)))).Status));
            answers.Add(($"key {Shorten(value)}", await PostWithHeaderAsync(http, BookingApi.Body(departure.DepartureId, 99), "Idempotency-Key", value)));
            foreach (var path in new[] { "/api/boats?date=", "/api/boats?date_from=2026-01-01&date_to=", "/api/boats?destination=", "/api/bookings?email=", "/api/bookings?phone=" })
            {
                using var response = await http.GetAsync(path + Uri.EscapeDataString(value));
                answers.Add(($"GET {path}{Shorten(value)}", (int)response.StatusCode));
            }
            using var departureById = await http.GetAsync($"/api/boats/{Uri.EscapeDataString(value)}/departures/{Uri.EscapeDataString(value)}");
            answers.Add(($"GET departure {Shorten(value)}", (int)departureById.StatusCode));
        }
        foreach (var seats in new[] { -1, 0, 11, int.MaxValue, int.MinValue })
        {
            answers.Add(($"seats {seats}", (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, seats))).Status));
        }
        answers.Add(("past departure", (await BookingApi.PostAsync(http, BookingApi.Body(past.DepartureId, 1))).Status));
        answers.Add(("unknown departure", (await BookingApi.PostAsync(http, BookingApi.Body(Guid.NewGuid(), 1))).Status));
        answers.Add(("text/plain", (await BookingApi.PostRawAsync(http, "{}", contentType: "text/plain")).Status));
        answers.Add(("huge body", (await BookingApi.PostRawAsync(http, "{\"x\":\"" + new string('x', 2_000_000) + "\"}")).Status));

        output.WriteLine($"{answers.Count} hostile API requests: " + string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}")));
        var wrong = answers.Where(a => a.Status is < 400 or >= 500 && !a.What.StartsWith("GET", StringComparison.Ordinal)).ToList();
        Assert.True(wrong.Count == 0, "not a 4xx: " + string.Join("; ", wrong));
        var serverErrors = answers.Where(a => a.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, "5xx: " + string.Join("; ", serverErrors));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(new SeatState(5, 5, 0, 0), await fixture.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Hostile_form_posts_get_the_form_back_or_a_4xx_and_write_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        using var visitor = new SiteSession(fixture.App.BaseAddress);
        var before = await CountsAsync();
        var answers = new List<(string What, HttpStatusCode Status)>();
        var valid = new Dictionary<string, string> { ["fares[adult]"] = "1", ["full_name"] = "Vera Valid", ["email"] = "vera@example.com", ["phone"] = "+14155550132" };

        var bookPage = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await visitor.SubmitAsync(bookPage.Form("#booking-step form"), valid);
        var confirm = review.Form("form[action$='handler=Confirm']");
        var staff = await StaffSession.SignInAsync(fixture.App, fixture.Db, "admin");
        foreach (var value in Hostile)
        {
            foreach (var path in new[] { "/staff/bookings?q=", "/staff?date=" })
            {
                answers.Add(($"GET {path}{Shorten(value)}", (await staff.Http.GetAsync(path + Uri.EscapeDataString(value))).StatusCode));
            }
            foreach (var field in new[] { "fares[adult]", "email", "phone" })
            {
                var details = new Dictionary<string, string>(valid) { [field] = value };
                answers.Add(($"details {field}={Shorten(value)}", (await visitor.SubmitAsync(bookPage.Form("#booking-step form"), details, pastBrowserChecks: true)).Status));
                answers.Add(($"confirm {field}={Shorten(value)}", (await visitor.SubmitAsync(confirm, details, pastBrowserChecks: true)).Status));
            }
            if (value.Any(char.IsControl) || value.Length > 200 || string.IsNullOrWhiteSpace(value))
            {
                var details = new Dictionary<string, string>(valid) { ["full_name"] = value };
                answers.Add(($"confirm full_name={Shorten(value)}", (await visitor.SubmitAsync(confirm, details, pastBrowserChecks: true)).Status));
            }
            answers.Add(($"confirm key={Shorten(value)}", (await visitor.SubmitAsync(confirm, new Dictionary<string, string>(valid) { ["fares[adult]"] = "0", ["idempotency_key"] = value }, pastBrowserChecks: true)).Status));
            var find = await visitor.GetAsync("/bookings/find");
            answers.Add(($"find {Shorten(value)}", (await visitor.SubmitAsync(find.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = value }, pastBrowserChecks: true)).Status));
            var open = await visitor.GetAsync($"/bookings/{Guid.NewGuid()}/open");
            foreach (var field in new[] { "code", "contact" })
            {
                var fields = new Dictionary<string, string> { ["code"] = "JKB-AAAAAA", ["contact"] = "vera@example.com" };
                fields[field] = value;
                answers.Add(($"open {field}={Shorten(value)}", (await visitor.SubmitAsync(open.Form("#open-booking"), fields, pastBrowserChecks: true)).Status));
            }
            foreach (var path in new[] { "/?date=", "/?destination=", "/departures/seats?ids=", "/bookings/manage/", $"/bookings/{departure.DepartureId}?key=" })
            {
                using var get = new HttpClient { BaseAddress = fixture.App.BaseAddress };
                answers.Add(($"GET {path}{Shorten(value)}", (await get.GetAsync(path + Uri.EscapeDataString(value))).StatusCode));
            }
        }
        answers.Add(("confirm without antiforgery", (await visitor.PostRawAsync($"/departures/{departure.DepartureId}/book?handler=Confirm", valid)).StatusCode));
        answers.Add(("cancel with a forged token", (await visitor.PostRawAsync("/bookings/manage/forged?handler=Cancel", new Dictionary<string, string>())).StatusCode));

        output.WriteLine($"{answers.Count} hostile form requests: " + string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(int)g.Key}x{g.Count()}")));
        var serverErrors = answers.Where(a => (int)a.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, "5xx: " + string.Join("; ", serverErrors));
        Assert.DoesNotContain(answers, a => a.Status is HttpStatusCode.SeeOther or HttpStatusCode.Redirect && a.What.StartsWith("confirm", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Markup_and_injection_in_a_valid_name_is_stored_as_typed_and_rendered_as_text()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        using var http = fixture.CreateClient();
        const string name = "<script>alert(1)</script><img src=x onerror=alert(2)> Robert'); drop table bookings; --";
        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(fullName: name)));
        Assert.Equal(201, booked.Status);
        Assert.Equal(name, booked.Body.GetProperty("customer").GetProperty("full_name").GetString());

        var staff = await StaffSession.SignInAsync(fixture.App, fixture.Db, "agent");
        var document = await staff.GetDocumentAsync($"/staff/bookings/{booked.Body.GetProperty("booking_id").GetString()}");
        Assert.Empty(document.QuerySelectorAll("script:not([src]), img[onerror]"));
        Assert.Contains(name, document.Body!.TextContent);
        Assert.Equal(1, (await fixture.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    private static async Task<int> PostWithHeaderAsync(HttpClient http, object body, string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (!request.Headers.TryAddWithoutValidation(header, value))
        {
            return 400; // HttpClient itself refuses to send it (e.g. a line break): nothing reaches the app.
        }
        try
        {
            return (int)(await http.SendAsync(request)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return 400;
        }
    }

    private async Task<(long Bookings, long Customers, long Emails)> CountsAsync()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long, long)>(
            "select (select count(*) from bookings), (select count(*) from customers), (select count(*) from email_outbox)");
    }

    private static string Shorten(string value) => value.Length > 24 ? value[..24] + $"…({value.Length})" : value;
}
