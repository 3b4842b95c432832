using System.Net;
using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using JkBoats.Data;
using JkBoats.Data.Staff;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>A weather morning through the pages: the admin offers departures, reviews what it affects (passengers, emails, phones to
/// call), confirms; the customer chooses on the manage link; the progress page shows it and applies the default to the rest.</summary>
public sealed class WeatherMorningTests : IAsyncLifetime
{
    private JkBoatsApp _app = null!;
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_weather_pages");
        _db = NpgsqlDataSource.Create(connectionString);
        _app = new JkBoatsApp(connectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<Guid> BookAsync(Guid departureId, int seats, string? email)
    {
        var outcome = await _app.Services.GetRequiredService<SeatInventory>().BookAsync(new BookingCommand(new ValidBooking(departureId, seats,
            new CustomerDetails(email is null ? "Walter Walkin" : "Cora Choice", email, "+14155550166")), email is null ? BookingChannel.Desk : BookingChannel.Web, null),
            CancellationToken.None);
        return Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking.BookingId;
    }

    [Fact]
    public async Task The_admin_offers_two_departures_reviews_and_confirms_the_customer_chooses_and_the_default_cancels_the_rest()
    {
        var data = new TestData(_db);
        var storm = await data.CreateDepartureAsync(capacity: 10, departureTime: DateTime.UtcNow.AddDays(1));
        var tomorrow = await data.AddDepartureAsync(storm, DateTime.UtcNow.AddDays(2));
        var later = await data.AddDepartureAsync(storm, DateTime.UtcNow.AddDays(3));
        var elsewhere = await data.CreateDepartureAsync(capacity: 10, departureTime: DateTime.UtcNow.AddDays(2));
        var chooser = await BookAsync(storm.DepartureId, 2, $"cora-{Guid.NewGuid():N}@example.com");
        var walkIn = await BookAsync(storm.DepartureId, 3, null);
        var admin = await StaffSession.SignInAsync(_app, _db, StaffRoles.Admin);
        var page = $"/staff/admin/departures/{storm.DepartureId}/cancel";

        // Same destination first in the list of departures to offer.
        var form = await admin.GetDocumentAsync(page);
        var offered = form.QuerySelectorAll("input[name=offered]").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal([tomorrow.DepartureId.ToString(), later.DepartureId.ToString()], offered.Take(2).ToList());
        Assert.Contains(elsewhere.DepartureId.ToString(), offered);

        var noneTicked = await admin.SubmitAsync(page, "#cancel-form", new() { ["reason"] = "Gale", ["mode"] = "choose" }, pastBrowserChecks: AngleSharpMisreadsDateTimeLocal);
        Assert.Equal(HttpStatusCode.BadRequest, noneTicked.StatusCode);
        Assert.Contains("Tick at least one departure", (await HtmlForms.ParseAsync(noneTicked)).QuerySelector("#cancel-errors")!.TextContent);

        var review = await admin.SubmitAsync(page, "#cancel-form", new() { ["reason"] = "Gale", ["mode"] = "choose", ["offered"] = tomorrow.DepartureId.ToString() },
            pastBrowserChecks: AngleSharpMisreadsDateTimeLocal);
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        var reviewed = await HtmlForms.ParseAsync(review);
        Assert.Contains("2 bookings, 5 passengers", reviewed.QuerySelector("#review-impact")!.TextContent);
        Assert.Contains("1 email will be sent", reviewed.QuerySelector("#review-impact")!.TextContent);
        Assert.Contains("Walter Walkin", reviewed.QuerySelector("#review-no-email")!.TextContent);
        Assert.Contains("415-555-0166", reviewed.QuerySelector("#review-no-email")!.TextContent);
        Assert.Equal("scheduled", await StatusAsync(storm.DepartureId)); // nothing happens before the confirmation

        var confirmed = await admin.SubmitAsync((AngleSharp.Html.Dom.IHtmlFormElement)reviewed.QuerySelector("#cancel-review")!, new());
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.EndsWith($"/staff/departures/{storm.DepartureId}/weather", confirmed.Headers.Location!.ToString());
        Assert.Equal("cancelled", await StatusAsync(storm.DepartureId));
        var progress = await admin.GetDocumentAsync($"/staff/departures/{storm.DepartureId}/weather");
        Assert.Contains("2 waiting (1 without email)", progress.QuerySelector("#weather-summary")!.TextContent);
        Assert.Contains("no email: call", progress.QuerySelector("tr[data-state=waiting]")!.TextContent);
        var outbox = await _app.Services.GetRequiredService<EmailOutbox>().ForBookingAsync(chooser, CancellationToken.None);
        Assert.Contains(outbox, r => r.Kind == EmailKinds.WeatherChoice);

        // The customer opens the manage link: no ticket, the offered departure and cancelling; only the offered one is taken.
        var manage = (await _app.Services.GetRequiredService<ManageLinks>().UrlForAsync(chooser, CancellationToken.None)).AbsolutePath;
        using var visitor = new Pages.SiteSession(_app.BaseAddress);
        var choice = await visitor.GetAsync(manage);
        Assert.Equal("Departure cancelled: waiting for your choice", choice.Text("#booking-status"));
        Assert.Null(choice.Find("#cancel-booking"));
        Assert.Equal([tomorrow.DepartureId.ToString(), "cancel"], choice.All("#weather-choice input[name=choice]").Select(i => i.GetAttribute("value")!).ToList());
        var refused = await visitor.SubmitAsync(choice.Form("#weather-choice form"), new Dictionary<string, string> { ["choice"] = elsewhere.DepartureId.ToString() });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("not one of those offered", refused.Text("#manage-problem"));
        var chosen = await visitor.SubmitAsync(choice.Form("#weather-choice form"), new Dictionary<string, string> { ["choice"] = tomorrow.DepartureId.ToString() });
        Assert.Equal(HttpStatusCode.SeeOther, chosen.Status);
        var after = await visitor.GetAsync(manage);
        Assert.Contains("Your booking is moved to", after.Text("#manage-notice"));
        Assert.Equal("Confirmed", after.Text("#booking-status"));
        Assert.Equal(new SeatState(10, 8, 2, 1), await data.SeatStateAsync(tomorrow.DepartureId));

        // The desk applies the default (cancel) to the walk-in who has no email.
        var applied = await admin.SubmitAsync($"/staff/departures/{storm.DepartureId}/weather", "form[action*='handler=Default']", new());
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        var done = await admin.GetDocumentAsync($"/staff/departures/{storm.DepartureId}/weather");
        Assert.Contains("Default applied: 0 moved, 1 cancelled", done.QuerySelector("#weather-flash")!.TextContent);
        Assert.Contains("0 waiting", done.QuerySelector("#weather-summary")!.TextContent);
        Assert.Null(done.QuerySelector("form[action*='handler=Default']"));
        Assert.Equal(new SeatState(10, 10, 0, 0), await data.SeatStateAsync(storm.DepartureId));
        var walkInBooking = await _app.Services.GetRequiredService<BookingRepository>().GetAsync(walkIn, CancellationToken.None);
        Assert.Equal(BookingStatus.Cancelled, walkInBooking!.Status);
        Assert.Empty(await data.InvariantViolationsAsync());
    }

    /// <summary>AngleSharp's form validation refuses every datetime-local value (Chromium accepts "2026-12-03T11:57"); the browser
    /// journey submits the same form for real.</summary>
    private const bool AngleSharpMisreadsDateTimeLocal = true;

    private async Task<string> StatusAsync(Guid departureId)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("select status from departures where id = @departureId", new { departureId }) ?? "";
    }
}
