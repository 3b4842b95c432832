using JkBoats.Data;
using JkBoats.Data.Inventory;
using System.Net;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>The customer's own manage link: cancel until the cut-off (24 h by default), never after.</summary>
[Collection(SiteCollection.Name)]
public sealed class ManageBookingPagesTests(AppFixture site)
{
    private async Task<(Guid BookingId, string Path)> BookAsync(Guid departureId, int seats)
    {
        var engine = site.App.Services.GetRequiredService<SeatInventory>();
        var customer = new CustomerDetails("Mona Manage", $"mona-{Guid.NewGuid():N}@example.com", "+14155550123");
        var outcome = await engine.BookAsync(new BookingCommand(new ValidBooking(departureId, seats, customer), BookingChannel.Web, null), CancellationToken.None);
        var booking = Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking;
        var url = await site.App.Services.GetRequiredService<ManageLinks>().UrlForAsync(booking.BookingId, CancellationToken.None);
        return (booking.BookingId, url.AbsolutePath);
    }

    private async Task<string> StatusAsync(Guid bookingId) =>
        (await site.App.Services.GetRequiredService<BookingRepository>().GetAsync(bookingId, CancellationToken.None))!.Status.Name();

    [Fact]
    public async Task Before_the_cut_off_the_customer_cancels_once_and_gets_the_seats_back_on_sale()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddHours(30));
        var (bookingId, path) = await BookAsync(departure.DepartureId, 3);
        using var visitor = site.NewSession();

        var page = await visitor.GetAsync(path);
        Assert.Contains("You can cancel online until", page.Text("#cancel-booking"));
        var form = page.Form("#cancel-booking form");
        var cancelled = await visitor.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.SeeOther, cancelled.Status);
        Assert.Equal(path, cancelled.Response.Headers.Location!.ToString());
        var after = await visitor.GetAsync(path);
        Assert.Equal("Cancelled by you online", after.Text("#booking-status"));
        Assert.Contains("cancelled and its seats are released", after.Text("#manage-notice"));
        Assert.Null(after.Find("#cancel-booking form"));
        Assert.Equal(new SeatState(8, 8, 0, 0), await site.Data.SeatStateAsync(departure.DepartureId));

        var again = await visitor.SubmitAsync(form);
        Assert.Equal(HttpStatusCode.SeeOther, again.Status);
        Assert.Contains("already cancelled", (await visitor.GetAsync(path)).Text("#manage-notice"));
        Assert.Equal(new SeatState(8, 8, 0, 0), await site.Data.SeatStateAsync(departure.DepartureId));
        var outbox = await site.App.Services.GetRequiredService<EmailOutbox>().ForBookingAsync(bookingId, CancellationToken.None);
        Assert.Equal(["booking_cancelled", "booking_confirmed"], outbox.Select(r => r.Kind).Order());
    }

    [Fact]
    public async Task After_the_cut_off_the_page_says_to_call_the_desk_and_a_cancel_post_changes_nothing()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddHours(30));
        var (bookingId, path) = await BookAsync(departure.DepartureId, 2);
        using var visitor = site.NewSession();
        var form = (await visitor.GetAsync(path)).Form("#cancel-booking form");
        await using (var connection = await site.Db.OpenConnectionAsync())
        {
            // The departure is now 23 hours away: inside the 24-hour cut-off.
            await Dapper.SqlMapper.ExecuteAsync(connection, "update departures set departure_time = now() + interval '23 hours' where id = @id", new { id = departure.DepartureId });
        }

        var page = await visitor.GetAsync(path);
        Assert.Null(page.Find("#cancel-booking form"));
        Assert.Contains("Online changes and cancellation closed 24 hours before departure", page.Text("#cancel-booking"));
        var refused = await visitor.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("contact the front desk", refused.Text("#manage-problem"));
        Assert.Equal("Confirmed", refused.Text("#booking-status"));
        Assert.Equal("confirmed", await StatusAsync(bookingId));
        Assert.Equal(new SeatState(8, 6, 2, 1), await site.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task A_cancel_post_without_the_antiforgery_token_or_with_a_forged_link_changes_nothing()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddDays(3));
        var (bookingId, path) = await BookAsync(departure.DepartureId, 2);
        using var visitor = site.NewSession();
        await visitor.GetAsync(path);

        var noToken = await visitor.PostRawAsync(path + "?handler=Cancel", new Dictionary<string, string>());
        var forged = await visitor.PostRawAsync(path[..^3] + "xyz?handler=Cancel", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.True(forged.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"forged link answered {forged.StatusCode}");
        Assert.Equal("confirmed", await StatusAsync(bookingId));
        Assert.Equal(new SeatState(8, 6, 2, 1), await site.Data.SeatStateAsync(departure.DepartureId));
    }
}
