using System.Net;
using System.Text.Json;
using JkBoats.Data.Bookings;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using JkBoats.Web.Pages.Bookings;

namespace JkBoats.Tests.Security;

/// <summary>A look-up by phone or email never hands out the check-in credential: codes come masked, and a booking id alone does
/// not open the ticket (code and QR); that takes the confirmation key, or the whole code with the booking's contact.</summary>
[Collection(SiteCollection.Name)]
public sealed class LookupDisclosureTests(AppFixture site) : IDisposable
{
    private readonly SiteSession _stranger = site.NewSession();
    private readonly HttpClient _http = site.CreateClient();

    private async Task<(Guid Id, string Code, string Phone, string Email)> BookAsync()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 10);
        var phone = $"+1415555{Random.Shared.Next(1000, 9999)}";
        var email = $"victim-{Guid.NewGuid():N}@example.com";
        var booked = await BookingApi.PostAsync(_http, BookingApi.Body(departure.DepartureId, 2, TestData.Customer(email, phone: phone)));
        Assert.Equal(201, booked.Status);
        return (booked.Body.GetProperty("booking_id").GetGuid(), booked.Body.GetProperty("confirmation_code").GetString()!, phone, email);
    }

    [Fact]
    public async Task A_look_up_by_phone_or_email_shows_the_code_masked_and_the_booking_id_alone_opens_no_ticket()
    {
        var booking = await BookAsync();

        foreach (var query in new[] { $"phone={Uri.EscapeDataString(booking.Phone)}", $"email={Uri.EscapeDataString(booking.Email)}" })
        {
            var response = await _http.GetAsync($"/api/bookings?{query}");
            var raw = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(booking.Code, raw);
            var item = JsonDocument.Parse(raw).RootElement.GetProperty("bookings").EnumerateArray().Single();
            Assert.Equal(booking.Id, item.GetProperty("booking_id").GetGuid());
            Assert.Equal(ConfirmationCode.Mask(booking.Code), item.GetProperty("confirmation_code").GetString());
            Assert.Matches("^JKB-\\*{4}[A-Z2-9]{2}$", item.GetProperty("confirmation_code").GetString());
        }

        var ticket = await _stranger.GetAsync($"/bookings/{booking.Id}");
        Assert.Equal(HttpStatusCode.Redirect, ticket.Status);
        Assert.Equal($"/bookings/{booking.Id}/open", ticket.Response.Headers.Location!.OriginalString);
        var forged = await _stranger.GetAsync($"/bookings/{booking.Id}?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(HttpStatusCode.Redirect, forged.Status);
        var open = await _stranger.GetAsync($"/bookings/{booking.Id}/open");
        Assert.Equal(HttpStatusCode.OK, open.Status);
        Assert.DoesNotContain(booking.Code, open.Document.DocumentElement.OuterHtml);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/bookings/{booking.Id}?handler=Qr")).StatusCode);

        var keyed = await _stranger.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, booking.Id));
        Assert.Equal(HttpStatusCode.OK, keyed.Status);
        Assert.Equal(booking.Code, keyed.Text("#confirmation-code"));
        var qr = await _http.GetAsync(keyed.Get("img[alt^='QR code']").GetAttribute("src"));
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_whole_code_and_the_booking_contact_open_the_ticket_and_anything_less_gets_the_same_refusal()
    {
        var booking = await BookAsync();
        var other = await BookAsync();
        var open = await _stranger.GetAsync($"/bookings/{booking.Id}/open");
        var form = open.Form("#open-booking");

        var refusals = new List<SiteSession.Result>
        {
            await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = ConfirmationCode.Mask(booking.Code), ["contact"] = booking.Email }),
            await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = other.Code, ["contact"] = other.Email }),
            await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = other.Code, ["contact"] = booking.Email }),
            await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = booking.Code, ["contact"] = other.Email }),
            await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = booking.Code, ["contact"] = other.Phone }),
            await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = booking.Code, ["contact"] = "" }, pastBrowserChecks: true),
        };
        var unknownForm = (await _stranger.GetAsync($"/bookings/{Guid.NewGuid()}/open")).Form("#open-booking");
        refusals.Add(await _stranger.SubmitAsync(unknownForm, new Dictionary<string, string> { ["code"] = booking.Code, ["contact"] = booking.Email }));

        Assert.All(refusals, refusal =>
        {
            Assert.Equal(HttpStatusCode.OK, refusal.Status);
            Assert.False(string.IsNullOrWhiteSpace(refusal.Text("#open-error")));
            Assert.DoesNotContain(booking.Code, refusal.Document.Body!.TextContent);
        });
        Assert.Equal(OpenModel.Mismatch, refusals[1].Text("#open-error"));
        Assert.Equal(refusals[1].Text("#open-error"), refusals[^1].Text("#open-error"));

        var byEmail = await _stranger.SubmitAsync(form, new Dictionary<string, string> { ["code"] = booking.Code.ToLowerInvariant(), ["contact"] = booking.Email.ToUpperInvariant() });
        var byPhone = await _stranger.SubmitAsync(form, new Dictionary<string, string>
        {
            ["code"] = booking.Code[4..], ["contact"] = $"({booking.Phone[2..5]}) {booking.Phone[5..8]}-{booking.Phone[8..]}",
        });
        foreach (var opened in new[] { byEmail, byPhone })
        {
            Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
            var ticket = await _stranger.GetAsync(opened.Response.Headers.Location!.OriginalString);
            Assert.Equal(booking.Code, ticket.Text("#confirmation-code"));
        }
    }

    public void Dispose()
    {
        _stranger.Dispose();
        _http.Dispose();
    }
}
