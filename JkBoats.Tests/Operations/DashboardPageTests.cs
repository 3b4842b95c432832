using System.Net;
using AngleSharp.Html.Parser;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;

namespace JkBoats.Tests.Operations;

[Collection(AppCollection.Name)]
public sealed class DashboardPageTests(AppFixture fixture)
{
    /// <summary>Later today (UTC is the test app's operator time zone), so the departure is on today's list and still bookable.</summary>
    private static DateTime LaterToday()
    {
        var now = DateTime.UtcNow;
        var later = now.AddMinutes(30);
        return later.Date == now.Date ? later : now.AddSeconds((now.Date.AddDays(1) - now).TotalSeconds / 2);
    }

    [Fact]
    public async Task Signing_in_lands_on_the_dashboard()
    {
        var email = await StaffSession.CreateStaffAsync(fixture.Db, StaffRoles.Agent);
        var session = new StaffSession(StaffSession.NewClient(fixture.App), email);

        var response = await session.SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = email, ["password"] = StaffSession.Password });

        Assert.Equal("/staff", response.Headers.Location!.OriginalString);
        var page = await session.GetDocumentAsync("/staff");
        Assert.NotNull(page.QuerySelector("#dashboard"));
        Assert.Contains(page.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == "/staff/board");
    }

    [Fact]
    public async Task The_dashboard_shows_todays_departures_sales_outcomes_and_email_health_from_real_bookings()
    {
        await TimeOfDay.AwayFromMidnightAsync(TimeSpan.FromMinutes(2)); // today's list and chart, read after booking
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 12, departureTime: LaterToday());
        var api = fixture.CreateClient();
        var booked = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 3));
        Assert.Equal(201, booked.Status);
        Assert.Equal(400, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 10))).Status);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var page = await agent.GetDocumentAsync("/staff");

        var row = page.QuerySelector($"#today-departures li[data-departure-id='{departure.DepartureId}']");
        Assert.NotNull(row);
        var occupancy = row.QuerySelector("[data-field='occupancy']")!;
        Assert.Equal("3 / 12 sold", occupancy.TextContent.Trim());
        Assert.Equal($"/staff/departures/{departure.DepartureId}", occupancy.GetAttribute("href"));
        Assert.Equal("25", row.QuerySelectorAll("svg rect")[1].GetAttribute("width"));

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var soldToday = page.QuerySelector($"#sold-chart rect[data-day='{today}']")!;
        Assert.True(int.Parse(soldToday.GetAttribute("data-seats")!) >= 3);
        Assert.Equal(30, page.QuerySelectorAll("#sold-chart rect[data-day]").Length);
        Assert.Equal(30, page.QuerySelectorAll("#ahead-chart rect[data-day]").Length);
        Assert.True(int.Parse(page.QuerySelector($"#outcomes tr[data-outcome='confirmed'] [data-field='count']")!.TextContent) >= 1);
        Assert.True(int.Parse(page.QuerySelector($"#outcomes tr[data-outcome='insufficient_capacity'] [data-field='count']")!.TextContent) >= 1);
        Assert.NotEqual("–", page.QuerySelector("[data-field='success-rate']")!.TextContent.Trim());
        Assert.NotEqual("–", page.QuerySelector("[data-field='booking-p95']")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("[data-field='email-sent'] a[href='/staff/dashboard/emails?status=sent']"));

        // Every number leads to the list behind it: today's sales lead to today's bookings, including this one.
        var soldLink = page.QuerySelectorAll("a").First(a => a.GetAttribute("href") == $"/staff/dashboard/sold?date={today}");
        var sold = await agent.GetDocumentAsync(soldLink.GetAttribute("href")!);
        Assert.NotNull(sold.QuerySelector($"tr[data-booking-id='{booked.Body.GetProperty("booking_id").GetGuid()}']"));
        var emails = await agent.GetDocumentAsync("/staff/dashboard/emails?status=sent");
        Assert.NotNull(emails.QuerySelector("h1"));
    }

    [Fact]
    public async Task The_htmx_refresh_gets_only_the_dashboard_fragment()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staff");
        request.Headers.Add("HX-Request", "true");

        var response = await agent.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HX-Request", response.Headers.Vary);
        var fragment = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("dashboard", Assert.Single(fragment.Body!.Children).Id);
        Assert.Null(fragment.QuerySelector("nav"));
    }

    [Fact]
    public async Task Bad_list_parameters_fall_back_instead_of_failing()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        foreach (var path in new[] { "/staff/dashboard/sold?date=2026-13-45", "/staff/dashboard/sold?date=%00", "/staff/dashboard/emails?status=<script>", "/staff?handler=Nope" })
        {
            var response = await agent.Http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Redirect, (await fixture.CreateClient().GetAsync("/staff/dashboard/sold")).StatusCode);
    }
}
