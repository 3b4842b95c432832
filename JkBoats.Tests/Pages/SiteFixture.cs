using JkBoats.Data.Inventory;
using JkBoats.Data.Bookings;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JkBoats.Tests.Pages;

/// <summary>The customer site on its own database, so page and browser tests may sell departures out freely.</summary>
public sealed class SiteFixture : IAsyncLifetime
{
    public JkBoatsApp App { get; private set; } = null!;

    public NpgsqlDataSource Db { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_site");
        Db = NpgsqlDataSource.Create(connectionString);
        Data = new TestData(Db);
        App = new JkBoatsApp(connectionString);
    }

    public SiteSession NewSession() => new(App.BaseAddress);

    /// <summary>Takes seats the way another customer would, through the app's own booking engine.</summary>
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

[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<SiteFixture>
{
    public const string Name = "site";
}
