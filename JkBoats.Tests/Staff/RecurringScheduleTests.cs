using JkBoats.Data.Inventory;
using JkBoats.Data;
using JkBoats.Data.Operations;
using JkBoats.Data.Schedule;
using JkBoats.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Tests.Staff;

public sealed class RecurringScheduleTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_schedule"));

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private ScheduleRepository ScheduleIn(string timeZone)
    {
        var options = Options.Create(new JkBoatsOptions { TimeZone = timeZone });
        var calendar = new OperatorCalendar(options, TimeProvider.System);
        return new ScheduleRepository(_db, calendar, new JkBoats.Data.Departures.AvailabilitySignal(), NullLogger<ScheduleRepository>.Instance);
    }

    [Fact]
    public async Task A_daily_schedule_keeps_its_local_time_across_a_daylight_saving_change_and_never_duplicates()
    {
        var schedule = ScheduleIn("Europe/Athens");
        var boat = await schedule.CreateBoatAsync("Aegean Star", 40, 40, true, CancellationToken.None);
        // Summer time starts in Athens on Sunday 28 March 2027: 09:00 local is 07:00 UTC before and 06:00 UTC after.
        var plan = new RecurringPlan(boat, "Hydra", 30m, new DateOnly(2027, 3, 26), new DateOnly(2027, 3, 30),
            new HashSet<DayOfWeek>(Enum.GetValues<DayOfWeek>()), [new TimeOnly(9, 0), new TimeOnly(17, 30)]);

        var preview = await schedule.PreviewAsync(plan, CancellationToken.None);
        var created = await schedule.CreateRecurringAsync(plan, CancellationToken.None);
        var again = await schedule.CreateRecurringAsync(plan, CancellationToken.None);
        var previewAgain = await schedule.PreviewAsync(plan, CancellationToken.None);

        Assert.Equal(10, preview.Count);
        Assert.All(preview, p => Assert.False(p.AlreadyExists));
        Assert.Equal(new DateTime(2027, 3, 27, 7, 0, 0, DateTimeKind.Utc), preview.Single(p => p.LocalTime == new DateTime(2027, 3, 27, 9, 0, 0)).DepartureTimeUtc);
        Assert.Equal(new DateTime(2027, 3, 28, 6, 0, 0, DateTimeKind.Utc), preview.Single(p => p.LocalTime == new DateTime(2027, 3, 28, 9, 0, 0)).DepartureTimeUtc);
        Assert.Equal(new DateTime(2027, 3, 29, 14, 30, 0, DateTimeKind.Utc), preview.Single(p => p.LocalTime == new DateTime(2027, 3, 29, 17, 30, 0)).DepartureTimeUtc);
        Assert.Equal(10, created.Count);
        Assert.Equal(0, again.Count);
        Assert.All(previewAgain, p => Assert.True(p.AlreadyExists));
    }

    [Fact]
    public async Task Only_the_chosen_weekdays_are_planned()
    {
        var schedule = ScheduleIn("UTC");
        var boat = await schedule.CreateBoatAsync("Weekend Runner", 10, 10, false, CancellationToken.None);
        var plan = new RecurringPlan(boat, "Cove", 15m, new DateOnly(2027, 6, 1), new DateOnly(2027, 6, 30),
            new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday }, [new TimeOnly(10, 0)]);

        var preview = await schedule.PreviewAsync(plan, CancellationToken.None);

        Assert.Equal(8, preview.Count);
        Assert.All(preview, p => Assert.Contains(p.LocalTime.DayOfWeek, new[] { DayOfWeek.Saturday, DayOfWeek.Sunday }));
    }

    [Fact]
    public async Task A_retired_boat_cannot_be_scheduled()
    {
        var schedule = ScheduleIn("UTC");
        var boat = await schedule.CreateBoatAsync("Old Tub", 10, 10, false, CancellationToken.None);
        await schedule.SetRetiredAsync(boat, true, CancellationToken.None);

        var single = await schedule.CreateDepartureAsync(boat, DateTime.UtcNow.AddDays(3), "Cove", 10m, CancellationToken.None);

        Assert.Equal(ScheduleResult.BoatUnavailable, single.Result);
    }
}
