using System.Net;
using AngleSharp.Html.Dom;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Staff;

/// <summary>A copy of a staff cookie (taken from the browser, a proxy log, a shared machine) dies with the session it copied:
/// on sign-out, a password reset, deactivation and a role change, on every instance, at the next request.</summary>
[Collection(AppCollection.Name)]
public sealed class SessionEndTests(AppFixture fixture)
{
    [Fact]
    public async Task A_copied_cookie_replayed_after_sign_out_is_sent_to_sign_in_and_its_post_changes_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var thief = agent.Copy(fixture.App);
        var walkIn = await WalkInFormAsync(thief, departure.DepartureId);
        Assert.Equal(HttpStatusCode.OK, (await thief.Http.GetAsync("/staff/bookings?q=JKB")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync("/staff", "form[action='/staff/signout']", [])).StatusCode);

        await AssertSignedOutAsync(thief, "/staff/bookings?q=JKB");
        var post = await thief.SubmitAsync(walkIn, new() { ["FullName"] = "Replayed Cookie", ["Phone"] = "+14155550100", ["Counts[adult]"] = "2" });
        AssertSentToSignIn(post, "POST walk-in");
        Assert.Equal(5, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    [Fact]
    public async Task Signing_out_on_one_instance_ends_the_session_on_another_at_once()
    {
        await using var second = new JkBoatsApp(fixture.App.ConnectionString);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var onSecond = agent.Copy(second);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.Http.GetAsync("/staff")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync("/staff", "form[action='/staff/signout']", [])).StatusCode);

        await AssertSignedOutAsync(onSecond, "/staff");
    }

    [Fact]
    public async Task An_admin_setting_a_new_password_ends_the_members_sessions()
    {
        var (admin, victim, thief) = await AdminAndVictimAsync();

        var set = await admin.SubmitAsync(await TeamFormAsync(admin, victim.Email!, "Password"), new() { ["password"] = "a brand new password" });

        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        await AssertSignedOutAsync(victim, "/staff");
        await AssertSignedOutAsync(thief, "/staff");
    }

    [Fact]
    public async Task An_admin_deactivating_a_member_ends_the_members_sessions()
    {
        var (admin, victim, thief) = await AdminAndVictimAsync();
        var form = await TeamFormAsync(admin, victim.Email!, "Update");
        form.QuerySelector("input[name='isActive']")!.Remove();

        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(form, [])).StatusCode);

        await AssertSignedOutAsync(victim, "/staff");
        await AssertSignedOutAsync(thief, "/staff");
    }

    [Fact]
    public async Task An_admin_changing_a_members_role_ends_the_members_sessions()
    {
        var (admin, victim, thief) = await AdminAndVictimAsync();

        var saved = await admin.SubmitAsync(await TeamFormAsync(admin, victim.Email!, "Update"), new() { ["role"] = StaffRoles.Admin });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await AssertSignedOutAsync(victim, "/staff");
        await AssertSignedOutAsync(thief, "/staff");
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_busy_it_is()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var app = new JkBoatsApp(fixture.App.ConnectionString, new Dictionary<string, string?> { ["JkBoats:Staff:AbsoluteTimeout"] = lifetime.ToString() });
        var signedInAt = DateTime.UtcNow;
        var agent = await StaffSession.SignInAsync(app, fixture.Db, StaffRoles.Agent);

        // Every request slides the idle expiry on; only the absolute lifetime can end this session.
        await Eventually.HoldsAsync(async () => (await agent.Http.GetAsync("/staff")).StatusCode == HttpStatusCode.Redirect,
            TimeSpan.FromSeconds(20), "the busy session to end", every: TimeSpan.FromMilliseconds(250));

        // The signed-in claim holds whole seconds, so the session may end up to one second before the lifetime on our clock.
        Assert.True(DateTime.UtcNow - signedInAt >= lifetime - TimeSpan.FromSeconds(1), $"ended after {(DateTime.UtcNow - signedInAt).TotalSeconds:0.0} s");
    }

    private async Task<(StaffSession Admin, StaffSession Victim, StaffSession Thief)> AdminAndVictimAsync()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var victim = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var thief = victim.Copy(fixture.App);
        Assert.Equal(HttpStatusCode.OK, (await thief.Http.GetAsync("/staff")).StatusCode);
        return (admin, victim, thief);
    }

    private static async Task<IHtmlFormElement> WalkInFormAsync(StaffSession session, Guid departureId) =>
        (IHtmlFormElement)(await session.GetDocumentAsync($"/staff/departures/{departureId}/walk-in")).QuerySelector("#walk-in-form")!;

    private static async Task<IHtmlFormElement> TeamFormAsync(StaffSession admin, string email, string handler)
    {
        var team = await admin.GetDocumentAsync("/staff/admin/team");
        var row = team.QuerySelectorAll("#team tbody tr").Single(tr => tr.QuerySelector("td")!.TextContent.Trim().StartsWith(email, StringComparison.Ordinal));
        return row.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.Action.Contains($"handler={handler}", StringComparison.Ordinal));
    }

    private static async Task AssertSignedOutAsync(StaffSession session, string path)
    {
        AssertSentToSignIn(await session.Http.GetAsync(path), $"GET {path}");
    }

    private static void AssertSentToSignIn(HttpResponseMessage response, string request)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{request} with the old cookie answered {(int)response.StatusCode}");
        Assert.StartsWith("/staff/signin", response.Headers.Location!.PathAndQuery);
    }
}
