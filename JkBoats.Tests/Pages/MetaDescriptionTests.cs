using JkBoats.Data.Inventory;
using System.Net;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>Every page a customer can land on says what it is in one meta description, set by the page itself.</summary>
[Collection(SiteCollection.Name)]
public sealed class MetaDescriptionTests(AppFixture site) : IDisposable
{
    private readonly SiteSession _visitor = site.NewSession();

    [Fact]
    public async Task Each_customer_page_has_its_own_non_empty_meta_description()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 10, departureTime: DateTime.UtcNow.Date.AddDays(16).AddHours(10));
        var engine = site.App.Services.GetRequiredService<SeatInventory>();
        var customer = new CustomerDetails("Mia Meta", $"mia-{Guid.NewGuid():N}@example.com", "+14155550166");
        var outcome = await engine.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 1, customer), BookingChannel.Web, null), CancellationToken.None);
        var booking = Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking;
        var manage = await site.App.Services.GetRequiredService<ManageLinks>().UrlForAsync(booking.BookingId, CancellationToken.None);

        (string Path, HttpStatusCode Status)[] pages =
        [
            ("/", HttpStatusCode.OK),
            ($"/departures/{departure.DepartureId}", HttpStatusCode.OK),
            ($"/departures/{departure.DepartureId}/book", HttpStatusCode.OK),
            ("/bookings/find", HttpStatusCode.OK),
            (await ConfirmationPages.PathAsync(site.App.Services, booking.BookingId), HttpStatusCode.OK),
            ($"/bookings/{booking.BookingId}/open", HttpStatusCode.OK),
            (manage.AbsolutePath, HttpStatusCode.OK),
            ("/no-such-page", HttpStatusCode.NotFound),
        ];
        var descriptions = new Dictionary<string, string>();
        foreach (var (path, status) in pages)
        {
            var page = await _visitor.GetAsync(path);
            Assert.Equal(status, page.Status);
            var meta = Assert.Single(page.All("head meta[name=description]"));
            var description = meta.GetAttribute("content");
            Assert.False(string.IsNullOrWhiteSpace(description), $"{path} has an empty description");
            descriptions[path] = description!;
        }
        Assert.Contains(departure.Destination, descriptions[$"/departures/{departure.DepartureId}"]);
        Assert.NotEqual(descriptions["/"], descriptions["/bookings/find"]);
    }

    public void Dispose() => _visitor.Dispose();
}
