using JkBoats.Data.Inventory;
using JkBoats.Data.Bookings;
using JkBoats.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Infrastructure;

/// <summary>One app on its own fresh, migrated database, shared by the test classes of one collection.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public JkBoatsApp App { get; private set; } = null!;

    public NpgsqlDataSource Db { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_app");
        Db = NpgsqlDataSource.Create(connectionString);
        Data = new TestData(Db);
        App = new JkBoatsApp(connectionString);
    }

    public HttpClient CreateClient() => App.CreateHttpClient();

    public SiteSession NewSession() => new(App.BaseAddress);

    public async Task TakeSeatsAsync(Guid departureId, int seats)
    {
        var engine = App.Services.GetRequiredService<SeatInventory>();
        var booking = new ValidBooking(departureId, seats, new CustomerDetails("Other Customer", $"other-{Guid.NewGuid():N}@example.com", "+14155550100"));
        var outcome = await engine.BookAsync(new BookingCommand(booking, BookingChannel.Desk, null), CancellationToken.None);
        Assert.IsType<BookingOutcome.Confirmed>(outcome);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>API, staff, operations and fault tests: one app and one database between them.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}

/// <summary>The customer pages: an app and database of their own, so their tests may sell departures out freely.</summary>
[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "site";
}
