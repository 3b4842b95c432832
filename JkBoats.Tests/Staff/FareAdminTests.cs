using System.Net;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Staff;

/// <summary>Admins keep the fares: a destination's price list is what new departures copy, one departure's prices change under its
/// lock (the adult price is its price per seat), and bad input changes nothing.</summary>
[Collection(AppCollection.Name)]
public sealed class FareAdminTests(AppFixture fixture)
{
    [Fact]
    public async Task A_price_list_is_copied_to_new_departures_and_one_departures_prices_change_the_api_answer()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var destination = $"Fare Isle {Guid.NewGuid():N}"[..18];
        var seed = await fixture.Data.CreateDepartureAsync(destination: destination, price: 20.00m); // makes the destination known
        var page = await admin.GetDocumentAsync("/staff/admin/fares");
        var form = $"#price-lists form[data-destination='{destination}']";
        Assert.NotNull(page.QuerySelector(form));
        var ids = await FareIdsAsync();

        var saved = await admin.SubmitAsync("/staff/admin/fares", form, new Dictionary<string, string>
        {
            [$"prices[{ids["child"]}]"] = "9.50", [$"prices[{ids["infant"]}]"] = "0", [$"prices[{ids["senior"]}]"] = "",
        });
        Assert.True(saved.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"got {saved.StatusCode}");
        var later = await fixture.Data.AddDepartureAsync(seed, seed.DepartureTime.AddHours(3));
        using var api = fixture.CreateClient();
        var fares = await BookingApi.GetJsonAsync(api, $"/api/boats/{later.BoatId}/departures/{later.DepartureId}");
        Assert.Equal(["adult 20.00", "child 9.50", "infant 0.00"],
            fares.GetProperty("fares").EnumerateArray().Select(f => $"{f.GetProperty("code").GetString()} {f.GetProperty("price").GetRawText()}"));

        var changed = await admin.SubmitAsync($"/staff/admin/departures/{later.DepartureId}/prices", "#departure-prices", new Dictionary<string, string>
        {
            [$"prices[{ids["adult"]}]"] = "22.00", [$"prices[{ids["child"]}]"] = "", [$"prices[{ids["senior"]}]"] = "18",
        });
        Assert.True(changed.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"got {changed.StatusCode}");
        var after = await BookingApi.GetJsonAsync(api, $"/api/boats/{later.BoatId}/departures/{later.DepartureId}");
        Assert.Equal(22.00m, after.GetProperty("price_per_seat").GetDecimal());
        Assert.Equal(["adult 22.00", "senior 18.00", "infant 0.00"],
            after.GetProperty("fares").EnumerateArray().Select(f => $"{f.GetProperty("code").GetString()} {f.GetProperty("price").GetDecimal():0.00}"));
        Assert.Empty(await fixture.Data.InvariantViolationsAsync());
    }

    [Theory]
    [InlineData("adult", "")]
    [InlineData("adult", "0")]
    [InlineData("child", "abc")]
    [InlineData("child", "-1")]
    [InlineData("child", "1.234")]
    [InlineData("child", "99999")]
    public async Task A_price_that_cannot_be_read_or_a_missing_adult_price_is_explained_and_changes_nothing(string fare, string value)
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var departure = await fixture.Data.CreateDepartureAsync(price: 30.00m, fares: TestData.FamilyFares);
        var ids = await FareIdsAsync();

        var answer = await admin.SubmitAsync($"/staff/admin/departures/{departure.DepartureId}/prices", "#departure-prices",
            new Dictionary<string, string> { [$"prices[{ids[fare]}]"] = value }, pastBrowserChecks: true);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = await StaffSession.ParseAsync(answer);
        Assert.NotNull(page.QuerySelector("[role=alert]"));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(["adult 30.00", "child 12.50", "senior 20.00", "infant 0.00"], (await connection.QueryAsync<string>("""
            select f.code || ' ' || df.price from departure_fares df join fare_types f on f.id = df.fare_type_id
            where df.departure_id = @id order by f.sort_order
            """, new { id = departure.DepartureId })).AsList());
    }

    [Fact]
    public async Task The_adult_fare_keeps_its_code_and_seat_and_an_agent_cannot_open_the_fares()
    {
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);
        var answer = await admin.SubmitAsync("/staff/admin/fares", "#fare-types form[data-fare='adult']",
            new Dictionary<string, string> { ["code"] = "grown_up" }, pastBrowserChecks: true);
        var page = await StaffSession.ParseAsync(answer);
        Assert.Contains("adult fare keeps its code", page.QuerySelector("[role=alert]")?.TextContent);
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            Assert.True(await connection.ExecuteScalarAsync<bool>("select exists (select 1 from fare_types where code = 'adult' and takes_seat and is_active)"));
        }

        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var refused = await agent.Http.GetAsync("/staff/admin/fares");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private async Task<Dictionary<string, Guid>> FareIdsAsync()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<(string Code, Guid Id)>("select code, id from fare_types")).ToDictionary(r => r.Code, r => r.Id);
    }
}
