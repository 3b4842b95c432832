using System.Net;
using JkBoats.Data.Bookings;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Pages;

[Collection(SiteCollection.Name)]
public sealed class FindBookingPagesTests(AppFixture site) : IDisposable
{
    private readonly SiteSession _visitor = site.NewSession();

    private async Task<string> BookAsync(TestDeparture departure, string email, int seats)
    {
        var form = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await _visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = seats.ToString(), ["full_name"] = "Katherine Johnson", ["email"] = email, ["phone"] = "+1 415 555 0199",
        });
        var confirmed = await _visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        var page = await _visitor.GetAsync(confirmed.Response.Headers.Location!.ToString());
        return page.Text("#confirmation-code");
    }

    [Fact]
    public async Task A_look_up_counts_a_familys_tickets_per_fare_and_names_nobody()
    {
        var email = $"fam-{Guid.NewGuid():N}@example.com";
        var departure = await site.Data.CreateDepartureAsync(capacity: 10, fares: TestData.FamilyFares, maxPersons: 12);
        var form = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await _visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["fares[child]"] = "1", ["fares[infant]"] = "1",
            ["full_name"] = "Dorothy Vaughan", ["email"] = email, ["phone"] = "+1 415 555 0177",
        });
        Assert.Equal(4, review.All("[data-review-passenger]").Count);
        await _visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        var page = await _visitor.GetAsync("/bookings/find");

        var found = await _visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = email });

        var item = found.Text("#lookup-results li");
        Assert.Contains("3 seats (Adult × 2, Child × 1, Infant × 1)", item);
        Assert.DoesNotContain("Dorothy", found.Get("#lookup-results").TextContent);
    }

    [Fact]
    public async Task Looking_up_by_email_or_phone_lists_upcoming_then_past_bookings_with_facts_only()
    {
        var email = $"kj-{Guid.NewGuid():N}@example.com";
        var soon = await site.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.Date.AddDays(16).AddHours(9));
        var later = await site.Data.AddDepartureAsync(soon, DateTime.UtcNow.Date.AddDays(17).AddHours(9));
        var past = await site.Data.AddDepartureAsync(soon, DateTime.UtcNow.Date.AddDays(18).AddHours(9));
        var laterCode = await BookAsync(later, email, 1);
        var soonCode = await BookAsync(soon, email, 2);
        var pastCode = await BookAsync(past, email, 3);
        await site.Data.MoveIntoPastAsync(past.DepartureId);
        var page = await _visitor.GetAsync("/bookings/find");

        var byEmail = await _visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = email.ToUpperInvariant() });

        Assert.Equal(new[] { soonCode, laterCode, pastCode }.Select(ConfirmationCode.Mask), byEmail.All("#lookup-results li").Select(li => li.GetAttribute("data-code")));
        Assert.Equal(["Confirmed", "Confirmed", "Travelled"], byEmail.All("#lookup-results [data-status]").Select(s => s.TextContent.Trim()));
        var text = byEmail.Get("#lookup-results").TextContent;
        Assert.DoesNotContain("Katherine", text);
        Assert.DoesNotContain(email, text);
        Assert.DoesNotContain("555", text);
        Assert.All([soonCode, laterCode, pastCode], code => Assert.DoesNotContain(code, byEmail.Document.DocumentElement.OuterHtml));

        var byPhone = await _visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = "(415) 555-0199" }, htmx: true);
        Assert.True(byPhone.HasVaryHxRequest);
        Assert.Equal("booking-lookup", byPhone.Document.Body!.Children.Single().Id);
        Assert.Contains(ConfirmationCode.Mask(soonCode), byPhone.All("#lookup-results li").Select(li => li.GetAttribute("data-code")));
    }

    [Fact]
    public async Task An_unknown_contact_gets_a_clear_no_bookings_found_and_a_malformed_one_an_inline_error()
    {
        var page = await _visitor.GetAsync("/bookings/find");

        var none = await _visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = $"nobody-{Guid.NewGuid():N}@example.com" });
        var bad = await _visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = "hello" });

        Assert.Equal("No bookings found", none.Text("#no-bookings p"));
        Assert.Null(none.Find("#lookup-results"));
        Assert.Equal("Enter the email address (like name@example.com) or the phone number you booked with.", bad.Text("#contact-error"));
        Assert.Equal("true", bad.Get("#contact").GetAttribute("aria-invalid"));
        var digits = await _visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = "12" });
        Assert.StartsWith("Enter a valid phone number", digits.Text("#contact-error"));
        // Either may be typed: the plain keyboard, not the email one made for addresses alone.
        Assert.Null(page.Get("#contact").GetAttribute("inputmode"));
    }

    [Fact]
    public async Task Lookups_are_rate_limited_with_a_friendly_page()
    {
        await using var limited = new JkBoatsApp(site.App.ConnectionString, new Dictionary<string, string?> { ["JkBoats:RateLimits:LookupsPerMinute"] = "3" });
        using var visitor = new SiteSession(limited.BaseAddress);
        var page = await visitor.GetAsync("/bookings/find");

        var answers = new List<SiteSession.Result>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await visitor.SubmitAsync(page.Form("#booking-lookup form"), new Dictionary<string, string> { ["contact"] = "someone@example.com" }));
        }

        // Only lookups count: the form's own GET does not.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.Status));
        Assert.Equal("Please wait a minute", answers[^1].Text("h1"));
        Assert.NotNull(answers[^1].Find("header nav"));
        Assert.Equal("60", answers[^1].Response.Headers.RetryAfter!.ToString());
    }

    public void Dispose() => _visitor.Dispose();
}
