using System.Net;
using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Data.Payments;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Staff;

/// <summary>Every staff and customer action on a booking leaves one history line saying what, by whom and when, written with the change
/// itself; the staff booking page lists them.</summary>
[Collection(AppCollection.Name)]
public sealed class HistoryTests(AppFixture fixture)
{
    private const string Agent = "agent-history@example.com";
    private const string Admin = "admin-history@example.com";

    private SeatInventory Inventory => fixture.App.Services.GetRequiredService<SeatInventory>();

    private static readonly ValidPassenger[] Family =
    [
        new("adult", "Lead Family", null, null, null), new("adult", "Second Family", null, null, null), new("child", "Kid Family", null, null, null),
    ];

    private async Task<Guid> BookAsync(Guid departureId, BookingChannel channel, string? actor = null, string? paid = null, IReadOnlyList<ValidPassenger>? passengers = null)
    {
        var booking = new ValidBooking(departureId, passengers?.Count(p => p.Fare != "infant") ?? 2,
            new CustomerDetails("Lead Family", $"h-{Guid.NewGuid():N}@example.com", "+14155550161"), passengers);
        var outcome = await Inventory.BookAsync(new BookingCommand(booking, channel, null) { Actor = actor, PaymentMethod = paid }, CancellationToken.None);
        return Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking.BookingId;
    }

    private async Task<IReadOnlyList<(string Kind, string Actor, string Summary)>> HistoryAsync(Guid bookingId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string, string)>(
            "select kind, actor, summary from booking_events where booking_id = @bookingId order by id", new { bookingId })).AsList();
    }

    /// <summary>Runs the action and checks it added exactly the expected lines (kind and actor) to the booking's history.</summary>
    private async Task<string> ExpectAsync(Guid bookingId, Func<Task> action, params (string Kind, string Actor)[] expected)
    {
        var before = (await HistoryAsync(bookingId)).Count(e => e.Kind != BookingEventKind.EmailSent);
        await action();
        var added = (await HistoryAsync(bookingId)).Where(e => e.Kind != BookingEventKind.EmailSent).Skip(before).ToList();
        Assert.Equal(expected, added.Select(e => (e.Kind, e.Actor)));
        return string.Join(" | ", added.Select(e => e.Summary));
    }

    [Fact]
    public async Task Every_action_on_a_booking_writes_its_history_line()
    {
        var fares = TestData.FamilyFares;
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 20, fares: fares, maxPersons: 30, destination: "History Bay");
        var later = await fixture.Data.AddDepartureAsync(departure, departure.DepartureTime.AddHours(3));

        // Booked online, at the desk with cash, through the API.
        var online = await BookAsync(departure.DepartureId, BookingChannel.Web, passengers: Family);
        Assert.Equal([(BookingEventKind.Created, BookingCancellation.Customer)], (await HistoryAsync(online)).Where(e => e.Kind != BookingEventKind.EmailSent).Select(e => (e.Kind, e.Actor)));
        Assert.Contains("3 passengers (2 Adult, 1 Child)", (await HistoryAsync(online))[0].Summary);
        var desk = await BookAsync(departure.DepartureId, BookingChannel.Desk, Agent, PaymentMethod.Cash);
        Assert.Equal([(BookingEventKind.Created, Agent), (BookingEventKind.Paid, Agent)], (await HistoryAsync(desk)).Where(e => e.Kind != BookingEventKind.EmailSent).Select(e => (e.Kind, e.Actor)));
        var api = await BookAsync(departure.DepartureId, BookingChannel.Api);
        Assert.Equal("api", (await HistoryAsync(api))[0].Actor);

        // Money, check-in and its undoing.
        await ExpectAsync(online, () => Inventory.TakePaymentAsync(new PaymentRequest(online, PaymentKind.Payment, PaymentMethod.Card, 20m, Agent), default),
            (BookingEventKind.Paid, Agent));
        await ExpectAsync(online, () => Inventory.TakePaymentAsync(new PaymentRequest(online, PaymentKind.Refund, PaymentMethod.Card, 5m, Admin, "goodwill"), default),
            (BookingEventKind.Refunded, Admin));
        await ExpectAsync(online, () => Inventory.CheckInAsync(new CheckInRequest(online, null, true, Agent), default), (BookingEventKind.CheckedIn, Agent));
        await ExpectAsync(online, () => Inventory.CheckInAsync(new CheckInRequest(online, null, false, Agent), default), (BookingEventKind.CheckInUndone, Agent));

        // The customer's own changes through the manage link, and the desk's move.
        var renamed = await ExpectAsync(online, () => Inventory.CorrectNamesAsync(online, new Dictionary<int, string?> { [2] = "Second Renamed" }, BookingCancellation.Customer, null, default),
            (BookingEventKind.NamesCorrected, BookingCancellation.Customer));
        Assert.Contains("Second Family → Second Renamed", renamed);
        var removed = await ExpectAsync(online, () => Inventory.RemovePassengersAsync(online, [3], BookingCancellation.Customer, null, default),
            (BookingEventKind.PassengersRemoved, BookingCancellation.Customer));
        Assert.Contains("Kid Family (child)", removed);
        var moved = await ExpectAsync(online, () => Inventory.MoveBookingAsync(online, later.DepartureId, Agent, default), (BookingEventKind.Moved, Agent));
        Assert.Contains("from History Bay", moved);

        // The admin changes the departure's time: every booking on it hears of it.
        var edit = new DepartureEdit(departure.DepartureTime.AddMinutes(30), departure.PricePerSeat, departure.BoatId, departure.Destination) { ChangedBy = Admin };
        await ExpectAsync(desk, () => Inventory.EditDepartureAsync(departure.DepartureId, edit, default), (BookingEventKind.DepartureChanged, Admin));

        // Boarding once the boat has left: no-show and its undoing, a passenger checked in alone.
        var boarded = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var late = await BookAsync(boarded.DepartureId, BookingChannel.Desk, Agent);
        await fixture.Data.MoveIntoPastAsync(boarded.DepartureId);
        await ExpectAsync(late, () => Inventory.MarkBoardingAsync(new BoardingRequest(boarded.DepartureId, late, null, BoardingAction.NoShow, Agent), default), (BookingEventKind.NoShow, Agent));
        await ExpectAsync(late, () => Inventory.MarkBoardingAsync(new BoardingRequest(boarded.DepartureId, late, null, BoardingAction.UndoNoShow, Agent), default), (BookingEventKind.NoShowUndone, Agent));
        await ExpectAsync(late, () => Inventory.MarkBoardingAsync(new BoardingRequest(boarded.DepartureId, late, null, BoardingAction.CheckIn, Agent), default), (BookingEventKind.CheckedIn, Agent));

        // A weather morning: the choice offered, then taken by the customer.
        var plan = new WeatherPlanRequest(departure.DepartureId, "Storm", [later.DepartureId], DateTime.UtcNow.AddHours(1), WeatherDefault.Cancel, Admin);
        await ExpectAsync(desk, () => Inventory.StartWeatherChoiceAsync(plan, default), (BookingEventKind.WeatherChoiceOffered, Admin));
        await ExpectAsync(desk, () => Inventory.ChooseWeatherOptionAsync(desk, later.DepartureId, BookingCancellation.Customer, default), (BookingEventKind.Moved, BookingCancellation.Customer));
        await ExpectAsync(api, () => Inventory.ChooseWeatherOptionAsync(api, null, BookingCancellation.Customer, default), (BookingEventKind.Cancelled, BookingCancellation.Customer));

        // Cancelled by the desk with a refund, and a whole departure cancelled.
        await ExpectAsync(desk, () => Inventory.CancelBookingAsync(desk, "Changed plans", Agent, null, default, PaymentMethod.Cash),
            (BookingEventKind.Cancelled, Agent), (BookingEventKind.Refunded, Agent));
        await ExpectAsync(online, () => Inventory.CancelDepartureAsync(later.DepartureId, "Engine", null, Admin, default), (BookingEventKind.Cancelled, Admin));

        // A waiting-list claim books through the same path, as the customer.
        var full = await fixture.Data.CreateDepartureAsync(capacity: 2);
        var taker = await BookAsync(full.DepartureId, BookingChannel.Web);
        var entry = await Inventory.JoinWaitlistAsync(new WaitlistJoin(full.DepartureId, new CustomerDetails("Wait Ing", $"w-{Guid.NewGuid():N}@example.com", "+14155550188"),
            new Dictionary<string, int> { ["adult"] = 2 }), default);
        await Inventory.CancelBookingAsync(taker, "", BookingCancellation.Customer, null, default);
        var claim = await Inventory.ClaimOfferAsync(entry.EntryId!.Value, default);
        Assert.Equal(OfferClaimResult.Booked, claim.Result);
        Assert.Equal([(BookingEventKind.Created, "customer (waiting list)")], (await HistoryAsync(claim.BookingId!.Value)).Where(e => e.Kind != BookingEventKind.EmailSent).Select(e => (e.Kind, e.Actor)));

        // Each email, once the worker has sent it.
        await Eventually.HoldsAsync(async () => (await HistoryAsync(online)).Count(e => e.Kind == BookingEventKind.EmailSent) >= 5, TimeSpan.FromSeconds(30),
            "the emails of the online booking (confirmed, changed twice, moved, cancelled) in its history");
        Assert.Contains((await HistoryAsync(online)).Where(e => e.Kind == BookingEventKind.EmailSent), e => e.Summary.StartsWith("Email sent: booking confirmed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_pages_staff_and_customers_use_write_the_history_as_the_person_who_acted()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 20m, departureTime: DateTime.UtcNow.AddDays(4));
        var later = await fixture.Data.AddDepartureAsync(departure, departure.DepartureTime.AddHours(2));
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        // The desk sells a walk-in paid in cash, checks it in on the manifest and moves it after the review.
        var sold = await agent.SubmitAsync($"/staff/departures/{departure.DepartureId}/walk-in", "#walk-in-form",
            new() { ["FullName"] = "Page Walker", ["Counts[adult]"] = "2", ["PaymentMethod"] = "cash" });
        Assert.Equal(HttpStatusCode.Redirect, sold.StatusCode);
        var walkIn = Guid.Parse(System.Text.RegularExpressions.Regex.Match(sold.Headers.Location!.OriginalString, "/staff/bookings/([0-9a-f-]{36})").Groups[1].Value);
        Assert.Equal([(BookingEventKind.Created, agent.Email!), (BookingEventKind.Paid, agent.Email!)],
            (await HistoryAsync(walkIn)).Where(e => e.Kind != BookingEventKind.EmailSent).Select(e => (e.Kind, e.Actor)));
        await ExpectAsync(walkIn, async () => Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync(
            $"/staff/departures/{departure.DepartureId}", $"tbody[data-booking-id='{walkIn}'] form[action*='CheckIn']", [])).StatusCode), (BookingEventKind.CheckedIn, agent.Email!));
        await ExpectAsync(walkIn, async () =>
        {
            var review = await agent.SubmitAsync($"/staff/bookings/{walkIn}", "form:has(#targetDepartureId)", new() { ["targetDepartureId"] = later.DepartureId.ToString() });
            Assert.Equal(HttpStatusCode.OK, review.StatusCode); // the review: nothing moved yet
            var confirm = (AngleSharp.Html.Dom.IHtmlFormElement)(await StaffSession.ParseAsync(review)).QuerySelector("form:has(input[name='reviewed'])")!;
            Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync(confirm, [])).StatusCode);
        }, (BookingEventKind.Moved, agent.Email!));

        // The customer cancels through the manage link.
        var online = await BookAsync(departure.DepartureId, BookingChannel.Web);
        var path = (await fixture.App.Services.GetRequiredService<JkBoats.Data.Email.ManageLinks>().UrlForAsync(online, CancellationToken.None)).AbsolutePath;
        using var visitor = fixture.NewSession();
        await ExpectAsync(online, async () =>
            Assert.Equal(HttpStatusCode.SeeOther, (await visitor.SubmitAsync((await visitor.GetAsync(path)).Form("#cancel-booking form"))).Status),
            (BookingEventKind.Cancelled, BookingCancellation.Customer));
    }

    [Fact]
    public async Task The_staff_booking_page_shows_the_history_with_who_did_what()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        var booking = await BookAsync(departure.DepartureId, BookingChannel.Web);
        var paid = await agent.SubmitAsync($"/staff/bookings/{booking}", "#payment-form", new() { ["method"] = "cash", ["amount"] = "10" }, pastBrowserChecks: true);
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);

        var page = await agent.GetDocumentAsync($"/staff/bookings/{booking}");
        var lines = page.QuerySelectorAll("#history li").Select(li => (li.GetAttribute("data-history-kind"), li.TextContent)).ToList();
        Assert.Equal(BookingEventKind.Created, lines[0].Item1);
        var payment = Assert.Single(lines, l => l.Item1 == BookingEventKind.Paid);
        Assert.Contains("Paid 10.00 by cash", payment.TextContent);
        Assert.Contains(agent.Email!, payment.TextContent);
    }
}
