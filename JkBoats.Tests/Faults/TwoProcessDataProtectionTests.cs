using System.Diagnostics;
using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>Two app processes (<c>dotnet JkBoats.Web.dll</c>) on one database share the key ring in data_protection_keys: an
/// antiforgery token or staff cookie issued by A is accepted by B, and a tampered staff cookie by neither (the negative
/// control). Cookies are per host, not per port (as in a browser), so one cookie jar carries A's cookies to B.</summary>
public sealed class TwoProcessDataProtectionTests(ITestOutputHelper output)
{
    [Fact(Timeout = 150_000)]
    public async Task Antiforgery_tokens_and_staff_cookies_issued_by_process_A_are_accepted_by_process_B_and_a_tampered_cookie_is_not()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var started = Stopwatch.StartNew();
        await using var pair = await AppProcessPair.StartAsync("jkboats_prockeys", ct: deadline.Token);
        output.WriteLine(pair.ToString());
        var (a, b, db, data) = (pair.A, pair.B, pair.Db, pair.Data);
        var departure = await data.CreateDepartureAsync(capacity: 5);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

        // (a) Customer booking: the form (and its antiforgery cookie) from A, the details step posted to B, the
        // confirmation form (token issued by A) posted to B.
        var book = $"/departures/{departure.DepartureId}/book";
        var details = new Dictionary<string, string> { ["fares[adult]"] = "2", ["full_name"] = "Cross Instance", ["email"] = "cross@example.com", ["phone"] = "+14155550132" };
        var bookPageA = await GetDocumentAsync(browser, new Uri(a.BaseAddress, book), deadline.Token);
        using var reviewOnB = await PostFormAsync(browser, bookPageA, "#booking-step form", b.BaseAddress, details, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, reviewOnB.StatusCode);
        using var reviewOnA = await PostFormAsync(browser, bookPageA, "#booking-step form", a.BaseAddress, details, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, reviewOnA.StatusCode);
        var reviewA = await HtmlForms.ParseAsync(reviewOnA, deadline.Token);
        using var confirmedOnB = await PostFormAsync(browser, reviewA, "form[action$='handler=Confirm']", b.BaseAddress, [], deadline.Token);
        Assert.Equal(HttpStatusCode.SeeOther, confirmedOnB.StatusCode);
        Assert.Equal(new SeatState(5, 3, 2, 1), await data.SeatStateAsync(departure.DepartureId));
        output.WriteLine($"(a) customer form from A confirmed on B: {(int)confirmedOnB.StatusCode} → {confirmedOnB.Headers.Location}");

        // (b) Staff: signed in on A (form from A, posted to A), the cookie used on B for a page and an unsafe action.
        var email = await StaffSession.CreateStaffAsync(db, "agent");
        var signInA = await GetDocumentAsync(browser, new Uri(a.BaseAddress, "/staff/signin"), deadline.Token);
        using var signedIn = await PostFormAsync(browser, signInA, StaffSession.SignInForm, a.BaseAddress,
            new() { ["email"] = email, ["password"] = StaffSession.Password }, deadline.Token);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var listOnB = await browser.GetAsync(new Uri(b.BaseAddress, "/staff/bookings"), deadline.Token);
        Assert.Equal(HttpStatusCode.OK, listOnB.StatusCode);

        Guid bookingId;
        await using (var connection = await db.OpenConnectionAsync(deadline.Token))
        {
            bookingId = await connection.ExecuteScalarAsync<Guid>("select id from bookings where departure_id = @id", new { id = departure.DepartureId });
        }
        var detailsPath = $"/staff/bookings/{bookingId}";
        var detailsA = await GetDocumentAsync(browser, new Uri(a.BaseAddress, detailsPath), deadline.Token);
        using var checkedInOnB = await PostFormAsync(browser, detailsA, "form[action*='handler=CheckIn']", b.BaseAddress, [], deadline.Token);
        Assert.True(checkedInOnB.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"check-in on B answered {(int)checkedInOnB.StatusCode}");
        await using (var connection = await db.OpenConnectionAsync(deadline.Token))
        {
            Assert.True(await connection.ExecuteScalarAsync<bool>("select checked_in_at is not null from bookings where id = @bookingId", new { bookingId }));
        }
        output.WriteLine($"(b) staff cookie from A: page on B {(int)listOnB.StatusCode}, check-in with A's token on B {(int)checkedInOnB.StatusCode}");

        // Negative control: the same staff cookie with its protected payload altered is refused by both processes.
        var staffCookie = cookies.GetCookies(a.BaseAddress).Single(c => c.Name == "jkb-staff");
        var value = staffCookie.Value;
        var middle = value.Length / 2;
        var tampered = value[..middle] + (value[middle] == 'A' ? 'B' : 'A') + value[(middle + 1)..];
        foreach (var instance in new[] { a, b })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/staff/bookings");
            request.Headers.Add("Cookie", $"jkb-staff={tampered}");
            using var raw = instance.CreateHttpClient();
            using var refused = await raw.SendAsync(request, deadline.Token);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith("/staff/signin", refused.Headers.Location!.PathAndQuery);
        }
        // The untampered cookie still works on B (the refusal was the tampering, not the cookie jar).
        using var stillB = await browser.GetAsync(new Uri(b.BaseAddress, "/staff/bookings"), deadline.Token);
        Assert.Equal(HttpStatusCode.OK, stillB.StatusCode);
        Assert.False(pair.EitherHasExited, "an app process died");
        output.WriteLine($"negative control: tampered staff cookie redirected to sign-in on both; whole test {started.ElapsedMilliseconds} ms");
    }

    private static async Task<IHtmlDocument> GetDocumentAsync(HttpClient http, Uri page, CancellationToken ct)
    {
        var response = await http.GetAsync(page, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {page} answered {(int)response.StatusCode}");
        return await HtmlForms.ParseAsync(response, ct);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient http, IHtmlDocument document, string selector, Uri instance, Dictionary<string, string> values, CancellationToken ct)
    {
        var form = document.QuerySelector(selector) as IHtmlFormElement ?? throw new InvalidOperationException($"no form {selector}");
        using var request = HtmlForms.Submission(form, values).SentTo(instance);
        return await http.SendAsync(request, ct);
    }
}
