using System.Net;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Staff;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JkBoats.Tests.Staff;

[Collection(AppCollection.Name)]
public sealed class StaffAccessTests(AppFixture fixture)
{
    private static readonly string[] DeskRoutes = ["/staff", "/staff/board", "/staff/bookings?q=JKB", "/staff/departures/{departure}", "/staff/departures/{departure}/walk-in", "/staff/departures/{departure}?handler=Csv"];

    private static readonly string[] AdminRoutes = ["/staff/admin/boats", "/staff/admin/departures", "/staff/admin/departures/recurring", "/staff/admin/departures/{departure}", "/staff/admin/departures/{departure}/cancel", "/staff/admin/team"];

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_from_every_staff_route()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        var http = StaffSession.NewClient(fixture.App);

        foreach (var route in DeskRoutes.Concat(AdminRoutes).Select(r => r.Replace("{departure}", departure.DepartureId.ToString())))
        {
            var response = await http.GetAsync(route);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{route} answered {(int)response.StatusCode}");
            Assert.StartsWith("/staff/signin", response.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    public async Task Agents_use_the_desk_but_get_403_on_admin_pages_and_admins_get_everything()
    {
        var departure = await fixture.Data.CreateDepartureAsync();
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);

        foreach (var route in DeskRoutes.Select(r => r.Replace("{departure}", departure.DepartureId.ToString())))
        {
            Assert.Equal((route, HttpStatusCode.OK), (route, (await agent.Http.GetAsync(route)).StatusCode));
        }
        foreach (var route in AdminRoutes.Select(r => r.Replace("{departure}", departure.DepartureId.ToString())))
        {
            Assert.Equal((route, HttpStatusCode.Forbidden), (route, (await agent.Http.GetAsync(route)).StatusCode));
            Assert.Equal((route, HttpStatusCode.OK), (route, (await admin.Http.GetAsync(route)).StatusCode));
        }
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.Http.PostAsync($"/staff/departures/{departure.DepartureId}/walk-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["FullName"] = "No Token", ["Phone"] = "+14155550100", ["Counts[adult]"] = "2",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(5, (await fixture.Data.SeatStateAsync(departure.DepartureId)).AvailableSeats);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_with_the_same_message_as_an_unknown_email()
    {
        var email = await StaffSession.CreateStaffAsync(fixture.Db, StaffRoles.Agent);
        var session = new StaffSession(StaffSession.NewClient(fixture.App));

        var unknown = await StaffSession.ParseAsync(await session.SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = $"nobody.{Guid.NewGuid():N}@x.example", ["password"] = "whatever" }));
        for (var i = 0; i < StaffRepository.MaxFailedAttempts; i++)
        {
            var wrong = await session.SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = email, ["password"] = "wrong password" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        var locked = await session.SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = email, ["password"] = StaffSession.Password });

        Assert.Equal(SignInModel.FailedMessage, unknown.QuerySelector("#signin-error")?.TextContent.Trim());
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(SignInModel.FailedMessage, (await StaffSession.ParseAsync(locked)).QuerySelector("#signin-error")?.TextContent.Trim());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var lockedUntil = await connection.ExecuteScalarAsync<DateTime?>("select locked_until from staff where email = @email", new { email });
        Assert.True(lockedUntil > DateTime.UtcNow.AddMinutes(4), $"locked until {lockedUntil}");
    }

    [Fact]
    public async Task Signing_in_with_an_old_weaker_hash_rehashes_the_password()
    {
        var email = await StaffSession.CreateStaffAsync(fixture.Db, StaffRoles.Agent, iterations: 10_000);
        var session = new StaffSession(StaffSession.NewClient(fixture.App));

        var response = await session.SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = email, ["password"] = StaffSession.Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/staff")).StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var hash = await connection.ExecuteScalarAsync<string>("select password_hash from staff where email = @email", new { email });
        var strong = new PasswordHasher<StaffMember>(Options.Create(new PasswordHasherOptions { IterationCount = StaffAuthentication.PasswordIterations }));
        Assert.Equal(PasswordVerificationResult.Success, strong.VerifyHashedPassword(null!, hash!, StaffSession.Password));
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.SubmitAsync("/staff", "form[action='/staff/signout']", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.Http.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_member_is_signed_out_on_the_next_request()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        Assert.Equal(HttpStatusCode.OK, (await agent.Http.GetAsync("/staff")).StatusCode);

        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update staff set is_active = false where email = @Email", new { agent.Email });
        }

        Assert.Equal(HttpStatusCode.Redirect, (await agent.Http.GetAsync("/staff")).StatusCode);
    }
}
