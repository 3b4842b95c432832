using System.Net;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>A cancelled booking is no ticket anywhere (no QR code, no "show this code", no print, nothing to pay) and says who
/// cancelled it and why; a cancelled departure's page says so with the reason and offers the next departures to the same place.</summary>
[Collection(SiteCollection.Name)]
public sealed class BookingStatePagesTests(AppFixture site)
{
    private async Task<Guid> BookAsync(Guid departureId)
    {
        var customer = new CustomerDetails("Stella State", $"stella-{Guid.NewGuid():N}@example.com", "+14155550123");
        var outcome = await site.App.Services.GetRequiredService<SeatInventory>()
            .BookAsync(new BookingCommand(new ValidBooking(departureId, 2, customer), BookingChannel.Web, null), CancellationToken.None);
        return Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking.BookingId;
    }

    [Fact]
    public async Task A_booking_on_a_departure_cancelled_for_weather_shows_no_ticket_and_says_the_operator_cancelled_it_and_why()
    {
        var destination = $"Storm Isle {Guid.NewGuid():N}"[..20];
        var cancelled = await site.Data.CreateDepartureAsync(capacity: 8, destination: destination, departureTime: DateTime.UtcNow.AddDays(2));
        var next = await site.Data.CreateDepartureAsync(capacity: 8, destination: destination, departureTime: DateTime.UtcNow.AddDays(3));
        var full = await site.Data.CreateDepartureAsync(capacity: 1, destination: destination, departureTime: DateTime.UtcNow.AddDays(2.5));
        await site.TakeSeatsAsync(full.DepartureId, 1);
        await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddDays(3)); // another destination
        var bookingId = await BookAsync(cancelled.DepartureId);
        var inventory = site.App.Services.GetRequiredService<SeatInventory>();
        await inventory.CancelDepartureAsync(cancelled.DepartureId, "Storm warning", moveTo: null, "admin@jkboats.example", CancellationToken.None);
        using var visitor = site.NewSession();

        var path = await ConfirmationPages.PathAsync(site.App.Services, bookingId);
        var page = await visitor.GetAsync(path);
        Assert.Equal("This booking is cancelled", page.Text("h1"));
        Assert.Equal("Cancelled by JK Boats: Storm warning", page.Text("[data-booking=cancelled-by]"));
        Assert.Null(page.Find("img[alt^='QR code']"));
        Assert.Null(page.Find("[data-print]"));
        Assert.DoesNotContain("Show this code", page.Document.Body!.TextContent);
        Assert.StartsWith("Nothing", page.Text("[data-booking=total]"));
        var qr = await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, path.Replace("?key=", "?handler=Qr&key=")));
        Assert.Equal(HttpStatusCode.NotFound, qr.StatusCode);

        var departurePage = await visitor.GetAsync($"/departures/{cancelled.DepartureId}");
        Assert.Contains("This departure is cancelled: Storm warning", departurePage.Text("#departure-cancelled"));
        Assert.Equal("Cancelled", departurePage.Text("#departure-seats [data-seats]"));
        Assert.DoesNotContain("before departure", departurePage.Document.Body!.TextContent);
        Assert.Equal([next.DepartureId.ToString()], departurePage.All("#alternatives [data-alternative]").Select(a => a.GetAttribute("data-alternative")));
    }

    [Fact]
    public async Task A_booking_the_customer_cancelled_says_so_and_a_confirmed_one_is_still_a_ticket()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddDays(2));
        var kept = await BookAsync(departure.DepartureId);
        var dropped = await BookAsync(departure.DepartureId);
        await site.App.Services.GetRequiredService<SeatInventory>()
            .CancelBookingAsync(dropped, "Cancelled by the customer online", ManageModel.ChangedBy, cutoff: null, CancellationToken.None);
        using var visitor = site.NewSession();

        var cancelled = await visitor.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, dropped));
        Assert.Equal("Cancelled by you online", cancelled.Text("[data-booking=cancelled-by]"));
        Assert.Null(cancelled.Find("img[alt^='QR code']"));

        var ticket = await visitor.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, kept));
        Assert.NotNull(ticket.Find("img[alt^='QR code']"));
        Assert.NotNull(ticket.Find("[data-print]"));
        Assert.Null(ticket.Find("[data-booking=cancelled-by]"));

        // "Add to calendar" gives the trip as an .ics file; a cancelled booking has none.
        var file = await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, ticket.Get("#add-to-calendar").GetAttribute("href")));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/calendar", file.Content.Headers.ContentType?.MediaType);
        var trip = Assert.Single(Ical.Net.Calendar.Load(await file.Content.ReadAsStringAsync())!.Events);
        Assert.Equal(departure.DepartureTime, trip.Start!.AsUtc, TimeSpan.FromSeconds(1));
        var droppedPath = await ConfirmationPages.PathAsync(site.App.Services, dropped);
        var none = await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, droppedPath.Replace("?key=", "?handler=Calendar&key=")));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }
}
