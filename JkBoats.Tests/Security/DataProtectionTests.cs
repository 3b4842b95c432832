using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using Npgsql;

namespace JkBoats.Tests.Security;

/// <summary>Instances on one database share the key ring in data_protection_keys: tokens and cookies travel between them.</summary>
public sealed class DataProtectionTests
{
    [Fact]
    public async Task An_antiforgery_token_and_a_staff_cookie_from_instance_A_are_accepted_by_instance_B_and_after_a_restart()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_keys");
        await using var db = NpgsqlDataSource.Create(connectionString);
        var email = await StaffSession.CreateStaffAsync(db, "agent");
        await using var a = new JkBoatsApp(connectionString);
        await using var b = new JkBoatsApp(connectionString);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });

        // Sign-in form (and its antiforgery cookie) from A, posted to B: cookies are per host, not per port, like a browser's.
        var signedIn = await PostFormAsync(browser, new Uri(a.BaseAddress, "/staff/signin"), new Uri(b.BaseAddress, "/staff/signin"),
            new() { ["email"] = email, ["password"] = StaffSession.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(a.BaseAddress, "/staff/bookings"))).StatusCode);
        await using (var connection = await db.OpenConnectionAsync())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*)::int from data_protection_keys"));
        }

        await b.DisposeAsync();
        await using var bAgain = new JkBoatsApp(connectionString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(bAgain.BaseAddress, "/staff/bookings"))).StatusCode);

        // Negative control: an instance with another key ring (its own database) refuses both.
        await using var stranger = new JkBoatsApp(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_keys_other"));
        var refused = await PostFormAsync(browser, new Uri(a.BaseAddress, "/staff/signin"), new Uri(stranger.BaseAddress, "/staff/signin"),
            new() { ["email"] = email, ["password"] = StaffSession.Password });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var anonymous = await browser.GetAsync(new Uri(stranger.BaseAddress, "/staff/bookings"));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/staff/signin", anonymous.Headers.Location!.PathAndQuery);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, Uri formPage, Uri instance, Dictionary<string, string> values)
    {
        var document = await HtmlForms.ParseAsync(await http.GetAsync(formPage));
        using var request = HtmlForms.Submission((IHtmlFormElement)document.QuerySelector(StaffSession.SignInForm)!, values).SentTo(instance);
        return await http.SendAsync(request);
    }
}
