using System.Net;
using AngleSharp.Html.Dom;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Pages;

[Collection(SiteCollection.Name)]
public sealed class BookingPagesTests(AppFixture site) : IDisposable
{
    private readonly SiteSession _visitor = site.NewSession();

    private static Dictionary<string, string> Details(int seats = 2, string? email = null) => new()
    {
        ["fares[adult]"] = seats.ToString(),
        ["full_name"] = "Grace Hopper",
        ["email"] = email ?? $"grace-{Guid.NewGuid():N}@example.com",
        ["phone"] = "(415) 555-0132",
    };

    private async Task<TestDeparture> DepartureAsync(int capacity = 20, decimal price = 25m) =>
        await site.Data.CreateDepartureAsync(capacity: capacity, price: price, departureTime: DateTime.UtcNow.Date.AddDays(15).AddHours(11));

    private async Task<SiteSession.Result> ReviewAsync(TestDeparture departure, Dictionary<string, string> details)
    {
        var form = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        return await _visitor.SubmitAsync(form.Form("#booking-step form"), details);
    }

    [Fact]
    public async Task The_details_form_mirrors_the_server_rules_in_the_browser()
    {
        var departure = await DepartureAsync(capacity: 4);

        var page = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var adults = (IHtmlInputElement)page.Get("#fare-adult");
        Assert.Equal(("number", "0", "4", "1"), (adults.Type, adults.GetAttribute("min"), adults.GetAttribute("max"), adults.Value));
        Assert.Equal("email", ((IHtmlInputElement)page.Get("#email")).Type);
        Assert.Equal("tel", ((IHtmlInputElement)page.Get("#phone")).Type);
        Assert.NotNull(page.Get("#phone").GetAttribute("pattern"));
        Assert.Equal("200", page.Get("#full_name").GetAttribute("maxlength"));
        Assert.All(page.All("#full_name, #email, #phone"), input => Assert.True(input.HasAttribute("required")));
        Assert.All(page.All("#booking-step input:not([type=hidden])"), input => Assert.NotNull(page.Find($"label[for='{input.Id}']")));
        Assert.NotNull(page.Find("#booking-step form input[name=__RequestVerificationToken]"));
    }

    [Fact]
    public async Task Booking_in_three_steps_books_once_even_when_confirm_is_sent_twice()
    {
        var departure = await DepartureAsync(price: 25m);
        var details = Details(seats: 3);

        var review = await ReviewAsync(departure, details);
        Assert.Equal(HttpStatusCode.OK, review.Status);
        Assert.Equal("3 seats", review.Text("[data-review=seats]"));
        Assert.Equal("Grace Hopper", review.Text("[data-review=full_name]"));
        Assert.Equal("$75.00", review.Text("[data-review=total]"));
        var confirm = review.Form("form[action$='handler=Confirm']");
        Assert.True(Guid.TryParse(((IHtmlInputElement)confirm.QuerySelector("[name=idempotency_key]")!).Value, out _));

        var first = await _visitor.SubmitAsync(confirm);
        var second = await _visitor.SubmitAsync(confirm);

        Assert.Equal(HttpStatusCode.SeeOther, first.Status);
        Assert.Equal(first.Response.Headers.Location, second.Response.Headers.Location);
        Assert.Equal(new SeatState(20, 17, 3, 1), await site.Data.SeatStateAsync(departure.DepartureId));

        var confirmation = await _visitor.GetAsync(first.Response.Headers.Location!.ToString());
        Assert.Matches("^JKB-[A-Z2-9]{6}$", confirmation.Text("#confirmation-code"));
        Assert.Equal("3 seats", confirmation.Text("[data-booking=seats]"));
        Assert.Equal("$75.00", confirmation.Text("[data-booking=total]"));
        Assert.Equal(departure.Destination, confirmation.Text("[data-booking=destination]"));
    }

    [Fact]
    public async Task An_htmx_confirm_is_redirected_with_HX_Redirect_and_steps_come_back_as_fragments()
    {
        var departure = await DepartureAsync();
        var form = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var review = await _visitor.SubmitAsync(form.Form("#booking-step form"), Details(), htmx: true);
        var confirmed = await _visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"), htmx: true);

        Assert.True(review.HasVaryHxRequest);
        Assert.Equal("booking-step", review.Document.Body!.Children.Single().Id);
        Assert.Null(review.Find("header"));
        Assert.Equal(HttpStatusCode.NoContent, confirmed.Status);
        Assert.StartsWith("/bookings/", confirmed.Response.Headers.GetValues("HX-Redirect").Single());
        Assert.Equal("find button", review.Form("form[action$='handler=Confirm']").GetAttribute("hx-disabled-elt"));
    }

    [Fact]
    public async Task Invalid_details_come_back_with_an_inline_message_on_each_field_and_nothing_is_booked()
    {
        var departure = await DepartureAsync();
        var form = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var page = await _visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "0", ["full_name"] = "  ", ["email"] = "not-an-email", ["phone"] = "12",
        }, pastBrowserChecks: true);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Add at least one passenger.", page.Text("#fares-error"));
        Assert.Equal("Enter your full name.", page.Text("#full_name-error"));
        Assert.Equal("Enter an email address like name@example.com.", page.Text("#email-error"));
        Assert.StartsWith("Enter a valid phone number", page.Text("#phone-error"));
        Assert.Equal("true", page.Get("#email").GetAttribute("aria-invalid"));
        Assert.Contains("email-error", page.Get("#email").GetAttribute("aria-describedby"));
        Assert.Equal("not-an-email", ((IHtmlInputElement)page.Get("#email")).Value);
        Assert.NotNull(page.Find("#error-summary"));
        Assert.Equal(0, (await site.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    [Fact]
    public async Task Too_many_tickets_and_a_bad_phone_are_both_reported_on_the_first_submit_with_a_summary_linking_each_field()
    {
        var departure = await DepartureAsync(capacity: 3);
        var form = await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var page = await _visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>(Details(seats: 5))
        {
            ["phone"] = "12",
        }, pastBrowserChecks: true);

        Assert.Equal("Only 3 seats are left.", page.Text("#fares-error"));
        Assert.StartsWith("Enter a valid phone number", page.Text("#phone-error"));
        var summary = page.Get("#error-summary");
        Assert.True(summary.HasAttribute("autofocus"), "the summary takes the focus after a server-side error");
        Assert.Equal(["#fare-adult", "#phone"], summary.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.All(summary.QuerySelectorAll("a"), a => Assert.NotNull(page.Find(a.GetAttribute("href")!)));
        Assert.Contains("e.g. +1 415 555 0132", page.Get("#phone").GetAttribute("title"));
        Assert.Equal(0, (await site.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    [Fact]
    public async Task Edit_on_the_review_step_goes_back_with_everything_as_typed()
    {
        var departure = await DepartureAsync();
        var details = Details(seats: 4);
        var review = await ReviewAsync(departure, details);

        var edit = await _visitor.SubmitAsync(review.Form("form[action$='handler=Edit']"));

        Assert.Equal("Your details", edit.Text("#step-heading"));
        foreach (var (field, value) in details)
        {
            Assert.Equal(value, ((IHtmlInputElement)edit.Get($"[name='{field}']")).Value);
        }
        Assert.Null(edit.Find("[name=idempotency_key]"));
    }

    [Fact]
    public async Task Seats_sold_between_review_and_confirm_say_how_many_are_left_and_keep_the_details()
    {
        var departure = await DepartureAsync(capacity: 5);
        var details = Details(seats: 4);
        var review = await ReviewAsync(departure, details);
        await site.TakeSeatsAsync(departure.DepartureId, 3);

        var page = await _visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Only 2 seats are left.", page.Text("#booking-notice"));
        Assert.Equal("Only 2 seats are left.", page.Text("#fares-error"));
        Assert.Equal("2", page.Get("#fare-adult").GetAttribute("max"));
        Assert.Equal(details["email"], ((IHtmlInputElement)page.Get("#email")).Value);
        Assert.Equal(details["full_name"], ((IHtmlInputElement)page.Get("#full_name")).Value);

        var retry = await _visitor.SubmitAsync(page.Form("#booking-step form"), new Dictionary<string, string> { ["fares[adult]"] = "2" });
        var booked = await _visitor.SubmitAsync(retry.Form("form[action$='handler=Confirm']"));

        Assert.Equal(HttpStatusCode.SeeOther, booked.Status);
        Assert.Equal(new SeatState(5, 0, 5, 2), await site.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_departure_cancelled_or_gone_before_confirm_is_explained_and_not_booked()
    {
        var cancelled = await DepartureAsync();
        var departed = await DepartureAsync();
        var cancelledReview = await ReviewAsync(cancelled, Details());
        var departedReview = await ReviewAsync(departed, Details());
        await site.Data.CancelDepartureAsync(cancelled.DepartureId);
        await site.Data.MoveIntoPastAsync(departed.DepartureId);

        var cancelledPage = await _visitor.SubmitAsync(cancelledReview.Form("form[action$='handler=Confirm']"));
        var departedPage = await _visitor.SubmitAsync(departedReview.Form("form[action$='handler=Confirm']"));

        Assert.Contains("cancelled", cancelledPage.Text("#booking-notice"));
        Assert.Contains("already left", departedPage.Text("#booking-notice"));
        Assert.NotNull(departedPage.Find("#booking-step a[href^='/?destination=']"));
        Assert.Equal(0, (await site.Data.SeatStateAsync(cancelled.DepartureId)).ConfirmedBookings);
        Assert.Equal(0, (await site.Data.SeatStateAsync(departed.DepartureId)).ConfirmedBookings);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var departure = await DepartureAsync();
        await _visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var response = await _visitor.PostRawAsync($"/departures/{departure.DepartureId}/book?handler=Confirm",
            new Dictionary<string, string>(Details()) { ["idempotency_key"] = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await site.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    [Fact]
    public async Task The_confirmation_shows_the_code_and_a_QR_code_but_not_the_customers_contact_details()
    {
        var departure = await DepartureAsync();
        var details = Details(email: $"grace-{Guid.NewGuid():N}@example.com");
        var review = await ReviewAsync(departure, details);
        var confirmed = await _visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        var location = confirmed.Response.Headers.Location!.ToString();

        using var stranger = site.NewSession();
        var page = await stranger.GetAsync(location);
        var qr = await stranger.GetAsync(page.Get("img[alt^='QR code']").GetAttribute("src")!);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain(details["email"], page.Document.Body!.TextContent);
        Assert.DoesNotContain("0132", page.Document.Body!.TextContent); // the phone's last digits, however it is written
        // The ticket lists who travels (the booker is the lead passenger unless named otherwise), never how to reach them.
        Assert.Contains("Grace", page.Text("#booking-passengers tbody tr:first-child"));
        Assert.Equal("g•••@example.com", page.Text("[data-booking=email]"));
        Assert.Equal("image/png", qr.Response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-store", page.Response.Headers.CacheControl!.ToString());
    }

    public void Dispose() => _visitor.Dispose();
}
