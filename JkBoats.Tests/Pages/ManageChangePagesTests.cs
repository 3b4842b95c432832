using System.Net;
using Dapper;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>The manage link changes a booking until the cut-off: a move to another departure to the same place (price difference
/// shown), passengers taken off (seats back on sale at once) and names corrected; each change emailed, bad input changes nothing.</summary>
[Collection(SiteCollection.Name)]
public sealed class ManageChangePagesTests(AppFixture site)
{
    private static readonly ValidPassenger[] Family =
    [
        new("adult", "Nora Lead", null, null, null), new("adult", "Omar Second", null, null, null),
        new("child", "Pia Child", 2018, null, null), new("infant", "Quin Baby", 2025, null, null),
    ];

    private async Task<(Guid BookingId, string Path)> BookFamilyAsync(Guid departureId)
    {
        var engine = site.App.Services.GetRequiredService<SeatInventory>();
        var customer = new CustomerDetails("Nora Lead", $"nora-{Guid.NewGuid():N}@example.com", "+14155550123");
        var outcome = await engine.BookAsync(
            new BookingCommand(new ValidBooking(departureId, 3, customer, Family), BookingChannel.Web, null), CancellationToken.None);
        var booking = Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking;
        var url = await site.App.Services.GetRequiredService<ManageLinks>().UrlForAsync(booking.BookingId, CancellationToken.None);
        return (booking.BookingId, url.AbsolutePath);
    }

    private Task<BookingConfirmation?> BookingAsync(Guid bookingId) =>
        site.App.Services.GetRequiredService<BookingRepository>().GetAsync(bookingId, CancellationToken.None);

    private async Task<IReadOnlyList<string>> EmailKindsAsync(Guid bookingId) =>
        (await site.App.Services.GetRequiredService<EmailOutbox>().ForBookingAsync(bookingId, CancellationToken.None)).Select(r => r.Kind).Order().ToList();

    [Fact]
    public async Task A_move_lists_departures_to_the_same_place_with_the_price_difference_and_moves_the_whole_party()
    {
        var from = await site.Data.CreateDepartureAsync(capacity: 8, price: 25m, fares: TestData.FamilyFares, maxPersons: 10,
            departureTime: DateTime.UtcNow.AddDays(3));
        var dearer = await site.Data.AddDepartureAsync(from, DateTime.UtcNow.AddDays(4), price: 30m);
        var tooSoon = await site.Data.AddDepartureAsync(from, DateTime.UtcNow.AddHours(10));
        var elsewhere = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, departureTime: DateTime.UtcNow.AddDays(4));
        var (bookingId, path) = await BookFamilyAsync(from.DepartureId);
        using var visitor = site.NewSession();

        var page = await visitor.GetAsync(path);
        var options = page.All("#move-booking input[name=targetDepartureId]").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal([dearer.DepartureId.ToString()], options);
        Assert.Contains("$10.00 more", page.Text("#move-booking"));
        var form = page.Form("#move-booking form");

        var refused = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["targetDepartureId"] = tooSoon.DepartureId.ToString() });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("no longer takes online changes", refused.Text("#manage-problem"));
        var wrongPlace = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["targetDepartureId"] = elsewhere.DepartureId.ToString() });
        Assert.Equal(HttpStatusCode.Conflict, wrongPlace.Status);
        Assert.Contains("only to another departure to " + from.Destination, wrongPlace.Text("#manage-problem"));
        Assert.Equal(from.DepartureId, (await BookingAsync(bookingId))!.DepartureId);
        Assert.Equal(new SeatState(8, 5, 3, 1), await site.Data.SeatStateAsync(from.DepartureId));

        var moved = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["targetDepartureId"] = dearer.DepartureId.ToString() });
        Assert.Equal(HttpStatusCode.SeeOther, moved.Status);
        var after = await visitor.GetAsync(path);
        Assert.Contains("$10.00 more, paid at the pier", after.Text("#manage-notice"));
        var booking = (await BookingAsync(bookingId))!;
        Assert.Equal((dearer.DepartureId, 72.50m), (booking.DepartureId, booking.TotalPrice));
        Assert.Equal(new SeatState(8, 8, 0, 0), await site.Data.SeatStateAsync(from.DepartureId));
        Assert.Equal(new SeatState(8, 5, 3, 1), await site.Data.SeatStateAsync(dearer.DepartureId));
        Assert.Equal(["booking_confirmed", "booking_moved"], await EmailKindsAsync(bookingId));
        Assert.Empty(await site.Data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task Taking_a_passenger_off_returns_the_seat_at_once_and_the_lead_or_a_stranger_cannot_be_taken_off()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, price: 25m, fares: TestData.FamilyFares, maxPersons: 10,
            departureTime: DateTime.UtcNow.AddDays(3));
        var (bookingId, path) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = site.NewSession();
        var page = await visitor.GetAsync(path);
        var form = page.Form("#remove-passengers form");
        Assert.Equal(["2", "3", "4"], page.All("#remove-passengers input[name=remove]").Select(i => i.GetAttribute("value")!).ToList());

        foreach (var (position, message) in new[] { ("1", "lead passenger stays"), ("9", "not on this booking"), ("", "Tick the passengers") })
        {
            var refused = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["remove"] = position });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(message, refused.Text("#manage-problem"));
            Assert.NotNull(refused.Get("#remove-passengers").GetAttribute("open"));
        }
        Assert.Equal(new SeatState(8, 5, 3, 1), await site.Data.SeatStateAsync(departure.DepartureId));

        var removed = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["remove"] = "3" });
        Assert.Equal(HttpStatusCode.SeeOther, removed.Status);
        var after = await visitor.GetAsync(path);
        Assert.Contains("1 passenger is off the booking", after.Text("#manage-notice"));
        Assert.Equal("2 seats", after.Text("#booking-seats"));
        Assert.Equal("$50.00", after.Text("#booking-total"));
        var booking = (await BookingAsync(bookingId))!;
        Assert.Equal(["Nora Lead", "Omar Second", "Quin Baby"], booking.Passengers!.Select(p => p.FullName!).ToList());
        Assert.Equal(new SeatState(8, 6, 2, 1), await site.Data.SeatStateAsync(departure.DepartureId));
        var persons = await site.Data.PersonStateAsync(departure.DepartureId);
        Assert.Equal((10, 7, 3, 2), (persons.MaxPersons, persons.AvailablePersons, persons.ConfirmedPersons, persons.ConfirmedSeatPassengers));
        Assert.Equal(["booking_changed", "booking_confirmed"], await EmailKindsAsync(bookingId));
        Assert.Empty(await site.Data.InvariantViolationsAsync());
    }

    [Fact]
    public async Task Names_are_corrected_in_place_and_a_blank_lead_or_hidden_characters_change_nothing()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var (bookingId, path) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = site.NewSession();
        var form = (await visitor.GetAsync(path)).Form("#correct-names form");

        var blank = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["names[1]"] = " ", ["names[2]"] = "Omar Seconds" });
        Assert.Equal(HttpStatusCode.BadRequest, blank.Status);
        Assert.Contains("lead passenger must keep a name", blank.Text("#manage-problem"));
        Assert.Equal("Omar Seconds", blank.Get("#name-2").GetAttribute("value"));
        var hidden = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["names[2]"] = "Omar\u200bSecond" });
        Assert.Equal(HttpStatusCode.BadRequest, hidden.Status);
        Assert.Equal("Omar Second", (await BookingAsync(bookingId))!.Passengers![1].FullName);

        var saved = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["names[1]"] = "Nora Leed", ["names[2]"] = "Omar Seconds" });
        Assert.Equal(HttpStatusCode.SeeOther, saved.Status);
        var booking = (await BookingAsync(bookingId))!;
        Assert.Equal(["Nora Leed", "Omar Seconds", "Pia Child", "Quin Baby"], booking.Passengers!.Select(p => p.FullName!).ToList());
        Assert.Equal("Nora Leed", booking.FullName);
        Assert.Equal(["booking_changed", "booking_confirmed"], await EmailKindsAsync(bookingId));
    }

    [Fact]
    public async Task After_the_cut_off_no_change_is_offered_and_a_posted_change_is_refused_with_the_desks_details()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var later = await site.Data.AddDepartureAsync(departure, DateTime.UtcNow.AddDays(5));
        var (bookingId, path) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = site.NewSession();
        var page = await visitor.GetAsync(path);
        var remove = page.Form("#remove-passengers form");
        var move = page.Form("#move-booking form");
        await using (var connection = await site.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update departures set departure_time = now() + interval '23 hours' where id = @id", new { id = departure.DepartureId });
        }

        var closed = await visitor.GetAsync(path);
        Assert.Null(closed.Find("#change-booking"));
        Assert.Contains("call the desk", closed.Text("#cutoff-passed"));
        var refusedRemove = await visitor.SubmitAsync(remove, new Dictionary<string, string> { ["remove"] = "2" });
        var refusedMove = await visitor.SubmitAsync(move, new Dictionary<string, string> { ["targetDepartureId"] = later.DepartureId.ToString() });
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (refusedRemove.Status, refusedMove.Status));
        Assert.Contains("Online changes closed 24 hours before departure", refusedMove.Text("#manage-problem"));
        var booking = (await BookingAsync(bookingId))!;
        Assert.Equal((departure.DepartureId, 4), (booking.DepartureId, booking.Passengers!.Count));
        Assert.Equal(["booking_confirmed"], await EmailKindsAsync(bookingId));
    }
}
