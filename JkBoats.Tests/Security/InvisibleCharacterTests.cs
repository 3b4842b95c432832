using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;

namespace JkBoats.Tests.Security;

/// <summary>Direction overrides and invisible characters never reach the manifest, CSV or emails; look-alike emails are one address.</summary>
[Collection(AppCollection.Name)]
public sealed class InvisibleCharacterTests(AppFixture fixture)
{
    [Theory]
    [InlineData("202E")] // right-to-left override: the name shows reversed
    [InlineData("2066")] // left-to-right isolate
    [InlineData("200B")] // zero-width space
    [InlineData("200D")] // zero-width joiner
    [InlineData("FEFF")] // zero-width no-break space
    [InlineData("00AD")] // soft hyphen
    [InlineData("2028")] // line separator
    [InlineData("E000")] // private use
    public async Task A_name_with_an_invisible_or_direction_character_is_refused_and_books_nothing(string codePoint)
    {
        var character = char.ConvertFromUtf32(Convert.ToInt32(codePoint, 16));
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);

        var answer = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 2, TestData.Customer(fullName: $"Ann{character}Lee")));

        Assert.Equal(400, answer.Status);
        Assert.Contains("invisible", answer.Body.GetProperty("errors").GetProperty("customer.full_name")[0].GetString());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from bookings where departure_id = @id", new { id = departure.DepartureId }));
    }

    [Theory]
    [InlineData("ｆull", "full")]
    [InlineData("ﬁle", "file")]
    [InlineData("ＦＵＬＬ", "full")]
    public async Task A_fullwidth_or_ligature_email_is_the_same_customer_as_its_plain_spelling(string lookAlike, string plain)
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var domain = $"{Guid.NewGuid():N}.example.com";
        var api = fixture.CreateClient();

        var first = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email: $"{plain}@{domain}")));
        var second = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email: $"{lookAlike}@{domain}")));

        Assert.Equal((201, 201), (first.Status, second.Status));
        Assert.Equal($"{plain}@{domain}", second.Body.GetProperty("customer").GetProperty("email").GetString());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(Guid CustomerId, string Email)>(
            "select customer_id, email from bookings where departure_id = @id", new { id = departure.DepartureId })).ToList();
        Assert.Single(stored.Select(s => s.CustomerId).Distinct());
        Assert.All(stored, s => Assert.Equal($"{plain}@{domain}", s.Email));
        var found = await BookingApi.GetJsonAsync(api, $"/api/bookings?email={Uri.EscapeDataString($"{lookAlike}@{domain}")}");
        Assert.Equal(2, found.GetProperty("bookings").GetArrayLength());
    }

    [Fact]
    public async Task Staff_search_ignores_zero_width_characters_and_staff_free_text_refuses_them()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var booked = await BookingApi.PostAsync(fixture.CreateClient(), BookingApi.Body(departure.DepartureId, 1, TestData.Customer(fullName: $"Quill {unique}")));
        var code = booked.Body.GetProperty("confirmation_code").GetString()!;
        var admin = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Admin);

        var search = await admin.GetDocumentAsync($"/staff/bookings?q={Uri.EscapeDataString($"Qu\u200Bill {unique[..4]}\u200D{unique[4..]}")}");
        Assert.Contains(search.QuerySelectorAll("#results td"), td => td.TextContent.Trim() == code);

        var boatName = $"Sea\u202E{unique}";
        var boat = await admin.SubmitAsync("/staff/admin/boats", "form[action*='handler=Create']", new() { ["name"] = boatName, ["capacity"] = "12" });
        Assert.Contains("invisible", (await StaffSession.ParseAsync(boat)).QuerySelector("[role=alert]")?.TextContent ?? "");
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        var cancel = await admin.SubmitAsync($"/staff/bookings/{bookingId}", "form[action*='handler=Cancel']", new() { ["reason"] = "Weather\u202E" });
        Assert.NotEqual(System.Net.HttpStatusCode.Redirect, cancel.StatusCode);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from boats where name = @boatName", new { boatName }));
        Assert.Equal("confirmed", await connection.ExecuteScalarAsync<string>("select status from bookings where id = @bookingId", new { bookingId }));
    }
}
