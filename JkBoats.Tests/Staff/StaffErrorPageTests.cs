using System.Net;
using AngleSharp.Html.Dom;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Staff;

/// <summary>Errors under /staff are explained in the staff layout, in staff terms; customers keep the site's error pages.</summary>
[Collection(AppCollection.Name)]
public sealed class StaffErrorPageTests(AppFixture fixture)
{
    [Fact]
    public async Task An_agent_opening_an_admin_page_gets_403_Admins_only_in_the_staff_layout_with_a_link_back_to_the_board()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.Http.GetAsync("/staff/admin/team");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var page = await StaffSession.ParseAsync(response);
        AssertStaffLayout(page, signedIn: true);
        Assert.Equal("Admins only", page.QuerySelector("#staff-error h1")?.TextContent.Trim());
        Assert.Contains(page.QuerySelectorAll("#staff-error a").OfType<IHtmlAnchorElement>(), a => a.PathName == "/staff/board");
        Assert.Empty(page.QuerySelectorAll("#team"));
    }

    [Fact]
    public async Task An_unknown_staff_address_gives_the_staff_404_signed_in_or_not()
    {
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var anonymous = StaffSession.NewClient(fixture.App);

        var signedIn = await agent.Http.GetAsync("/staff/no-such-page");
        var notSignedIn = await anonymous.GetAsync("/staff/admin/no-such-page");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (signedIn.StatusCode, notSignedIn.StatusCode));
        var signedInPage = await StaffSession.ParseAsync(signedIn);
        var notSignedInPage = await StaffSession.ParseAsync(notSignedIn);
        AssertStaffLayout(signedInPage, signedIn: true);
        AssertStaffLayout(notSignedInPage, signedIn: false);
        Assert.Equal(("Page not found", "Page not found"),
            (signedInPage.QuerySelector("#staff-error h1")?.TextContent.Trim(), notSignedInPage.QuerySelector("#staff-error h1")?.TextContent.Trim()));
    }

    [Fact]
    public async Task Customers_keep_the_sites_own_404()
    {
        var response = await StaffSession.NewClient(fixture.App).GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await StaffSession.ParseAsync(response);
        Assert.Null(page.QuerySelector("main .staff"));
        Assert.Null(page.QuerySelector("#staff-error"));
        Assert.Equal("Page not found", page.QuerySelector("#error-heading")?.TextContent.Trim());
        Assert.Contains(page.QuerySelectorAll("main a"), a => a.TextContent.Trim() == "Find a boat trip");
    }

    private static void AssertStaffLayout(IHtmlDocument page, bool signedIn)
    {
        Assert.NotNull(page.QuerySelector("main > .staff #staff-error"));
        Assert.Equal(signedIn, page.QuerySelector("nav[aria-label='Front desk']") is not null);
        Assert.Null(page.QuerySelector("#error-heading"));
        Assert.DoesNotContain(page.QuerySelectorAll("main a"), a => a.TextContent.Trim() == "Find a boat trip");
    }
}
