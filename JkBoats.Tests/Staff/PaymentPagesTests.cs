using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>Taking money at the desk: partial payments and the balance on the booking page, refused amounts that change nothing, a
/// refund with the cancellation, a refund due after the customer cancels, the manifest's one-press payment, and tables the app can
/// only append to.</summary>
[Collection(AppCollection.Name)]
public sealed class PaymentPagesTests(AppFixture fixture)
{
    private async Task<(Guid Id, StaffSession Agent)> BookedAsync(int seats = 3, decimal price = 20m, DateTime? departureTime = null)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: price, departureTime: departureTime);
        var answer = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, seats));
        Assert.Equal(201, answer.Status);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);
        return (answer.Body.GetProperty("booking_id").GetGuid(), agent);
    }

    private static string Page(Guid id) => $"/staff/bookings/{id}";

    private static Task<HttpResponseMessage> PayAsync(StaffSession agent, Guid id, string amount, string method = "cash", string kind = "payment") =>
        agent.SubmitAsync(Page(id), "#payment-form", new() { ["kind"] = kind, ["method"] = method, ["amount"] = amount }, pastBrowserChecks: true);

    private async Task<IReadOnlyList<(string Kind, string Method, decimal Amount, string TakenBy)>> RowsAsync(Guid id)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string, decimal, string)>(
            "select kind, method, amount, taken_by from payments where booking_id = @id order by created_at, id", new { id })).AsList();
    }

    private static string Text(IHtmlDocument page, string field) => page.QuerySelector($"[data-field='{field}']")!.TextContent.Trim();

    [Fact]
    public async Task Partial_payments_add_up_to_paid_in_full_and_every_page_shows_the_balance()
    {
        var (id, agent) = await BookedAsync();
        Assert.Equal("Owes $60.00", Text(await agent.GetDocumentAsync(Page(id)), "balance"));

        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "25")).StatusCode);
        var page = await agent.GetDocumentAsync(Page(id));
        Assert.Equal("Owes $35.00", Text(page, "balance"));
        Assert.Equal("35.00", ((IHtmlInputElement)page.QuerySelector("#amount")!).Value); // the form offers what is left

        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "35.00", "card")).StatusCode);
        page = await agent.GetDocumentAsync(Page(id));
        Assert.Equal("Paid in full", Text(page, "balance"));
        Assert.Equal(2, page.QuerySelectorAll("#payments tbody tr").Length);
        Assert.Equal([("payment", "cash", 25m, agent.Email!), ("payment", "card", 35m, agent.Email!)], await RowsAsync(id));

        var code = Text(page, "code");
        var search = await agent.GetDocumentAsync($"/staff/bookings?q={code}");
        Assert.Equal("Paid in full", search.QuerySelector("#results [data-field='balance']")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("abc", "cash")]
    [InlineData("12,50", "cash")]
    [InlineData("-5", "cash")]
    [InlineData("0", "cash")]
    [InlineData("0.001", "cash")]
    [InlineData("10", "bitcoin")]
    public async Task A_payment_that_cannot_be_read_is_refused_with_a_message_and_records_nothing(string amount, string method)
    {
        var (id, agent) = await BookedAsync();
        var page = await agent.GetDocumentAsync(Page(id));
        var form = (IHtmlFormElement)page.QuerySelector("#payment-form")!;
        var request = HtmlForms.Submission(form, new Dictionary<string, string> { ["kind"] = "payment", ["method"] = "cash", ["amount"] = amount }, null, pastBrowserChecks: true);
        if (method != "cash")
        {
            // A method no radio offers: post the form's fields by hand with it.
            var fields = new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = ((IHtmlInputElement)form.QuerySelector("input[name='__RequestVerificationToken']")!).Value,
                ["kind"] = "payment", ["method"] = method, ["amount"] = amount,
            };
            request = new HttpRequestMessage(HttpMethod.Post, $"{Page(id)}?handler=Payment") { Content = new FormUrlEncodedContent(fields) };
        }

        var response = await agent.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await StaffSession.ParseAsync(response);
        Assert.False(string.IsNullOrWhiteSpace(answer.QuerySelector("#payment-problem")?.TextContent));
        Assert.NotNull(answer.QuerySelector(method == "cash" ? "#amount[autofocus]" : "input[name='method'][autofocus]"));
        Assert.Empty(await RowsAsync(id));
    }

    [Fact]
    public async Task More_than_is_owed_is_refused_and_so_is_a_refund_of_more_than_was_paid()
    {
        var (id, agent) = await BookedAsync();
        var over = await PayAsync(agent, id, "60.01");
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("more than the $60.00 still owed", (await StaffSession.ParseAsync(over)).QuerySelector("#payment-problem")!.TextContent);
        Assert.Empty(await RowsAsync(id));

        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "20")).StatusCode);
        var refund = await PayAsync(agent, id, "25", kind: "refund");
        Assert.Equal(HttpStatusCode.Conflict, refund.StatusCode);
        Assert.Single(await RowsAsync(id));
    }

    [Fact]
    public async Task Cancelling_a_paid_booking_at_the_desk_refunds_it_in_the_same_step()
    {
        var (id, agent) = await BookedAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "60")).StatusCode);

        var cancel = await agent.SubmitAsync(Page(id), "form[action*='handler=Cancel']", new() { ["reason"] = "Seasick", ["refundMethod"] = "cash" });

        Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
        var page = await agent.GetDocumentAsync(Page(id));
        Assert.Contains("Give back $60.00 by cash", page.QuerySelector("[role='status']")!.TextContent);
        Assert.Equal("Nothing to pay", Text(page, "balance"));
        Assert.Equal([("payment", "cash", 60m, agent.Email!), ("refund", "cash", 60m, agent.Email!)], await RowsAsync(id));
        Assert.Null(page.QuerySelector("#payment-form")); // nothing left to take or give
    }

    [Fact]
    public async Task A_paid_booking_the_customer_cancels_shows_a_refund_due_until_the_desk_gives_it_back()
    {
        var (id, agent) = await BookedAsync(seats: 2, price: 30m);
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "60", "card")).StatusCode);
        var inventory = fixture.App.Services.GetService(typeof(JkBoats.Data.Inventory.SeatInventory)) as JkBoats.Data.Inventory.SeatInventory;
        Assert.True((await inventory!.CancelBookingAsync(id, "", JkBoats.Data.Bookings.BookingCancellation.Customer, null, CancellationToken.None)).Succeeded);

        var page = await agent.GetDocumentAsync(Page(id));
        Assert.Equal("Refund due $60.00", Text(page, "balance"));
        Assert.Equal("60.00", ((IHtmlInputElement)page.QuerySelector("#amount")!).Value);
        Assert.NotNull(page.QuerySelector("input[name='kind'][value='refund'][checked]"));

        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "60", "card", "refund")).StatusCode);
        Assert.Equal("Nothing to pay", Text(await agent.GetDocumentAsync(Page(id)), "balance"));
    }

    [Fact]
    public async Task The_manifest_takes_what_a_booking_owes_in_one_press_and_refuses_a_stale_amount()
    {
        var (id, agent) = await BookedAsync(seats: 2, price: 15m);
        var departureId = await DepartureOfAsync(id);
        var manifest = $"/staff/departures/{departureId}";
        var page = await agent.GetDocumentAsync(manifest);
        var row = page.QuerySelector($"tbody[data-booking-id='{id}']")!;
        Assert.Equal("Owes $30.00", row.QuerySelector("[data-field='balance']")!.TextContent.Trim());
        var cashForm = row.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.TextContent.Contains("Take $30.00 cash"));

        // Meanwhile someone takes 10.00 at the booking page: the manifest's 30.00 is stale and must not be taken.
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "10")).StatusCode);
        var stale = await agent.SubmitAsync(cashForm, []);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("owes $20.00 now", (await StaffSession.ParseAsync(stale)).QuerySelector("[data-field='check-in-problem']")!.TextContent);
        Assert.Single(await RowsAsync(id));

        page = await agent.GetDocumentAsync(manifest);
        cashForm = page.QuerySelector($"tbody[data-booking-id='{id}']")!.QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .Single(f => f.TextContent.Contains("Take $20.00 cash"));
        var taken = await agent.SubmitAsync(cashForm, []);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var after = await StaffSession.ParseAsync(taken);
        Assert.Contains("$20.00 cash taken", after.QuerySelector("[data-field='payment-done']")!.TextContent);
        Assert.Equal("Paid in full", after.QuerySelector($"tbody[data-booking-id='{id}'] [data-field='balance']")!.TextContent.Trim());
        Assert.Equal(30m, (await RowsAsync(id)).Sum(r => r.Amount));
    }

    [Theory]
    [InlineData("cash", 1)]
    [InlineData("card", 1)]
    [InlineData("", 0)]
    public async Task A_walk_in_paid_with_the_sale_records_the_whole_price_by_that_method_in_the_same_step(string method, int rows)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10, price: 20m, fares: TestData.FamilyFares);
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var sold = await agent.SubmitAsync($"/staff/departures/{departure.DepartureId}/walk-in", "#walk-in-form",
            new() { ["FullName"] = "Paying Walker", ["Counts[adult]"] = "2", ["Counts[child]"] = "1", ["PaymentMethod"] = method });

        Assert.Equal(HttpStatusCode.Redirect, sold.StatusCode);
        var page = await agent.GetDocumentAsync(sold.Headers.Location!.OriginalString);
        var id = Guid.Parse(System.Text.RegularExpressions.Regex.Match(sold.Headers.Location!.OriginalString, "/staff/bookings/([0-9a-f-]{36})").Groups[1].Value);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var total = await connection.ExecuteScalarAsync<decimal>("select total_price from bookings where id = @id", new { id });
        var payments = await RowsAsync(id);
        Assert.Equal(rows, payments.Count);
        if (rows == 1)
        {
            Assert.Equal(("payment", method, total, agent.Email!), payments[0]);
            Assert.Equal("Paid in full", Text(page, "balance"));
        }
        else
        {
            Assert.Equal($"Owes ${total:0.00}", Text(page, "balance"));
        }
    }

    [Fact]
    public async Task Payments_and_the_history_can_only_be_appended_to()
    {
        var (id, agent) = await BookedAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(agent, id, "10")).StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        foreach (var sql in new[]
                 {
                     "update payments set amount = 1 where booking_id = @id", "delete from payments where booking_id = @id",
                     "update booking_events set summary = 'x' where booking_id = @id", "delete from booking_events where booking_id = @id",
                 })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { id }));
            Assert.Contains("append-only", refused.MessageText);
        }
        Assert.Equal(10m, (await RowsAsync(id)).Single().Amount);
    }

    private async Task<Guid> DepartureOfAsync(Guid bookingId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<Guid>("select departure_id from bookings where id = @bookingId", new { bookingId });
    }
}
