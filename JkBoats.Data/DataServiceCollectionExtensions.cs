using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Demo;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Email;
using JkBoats.Data.Fares;
using JkBoats.Data.Inventory;
using JkBoats.Data.Operations;
using JkBoats.Data.Operator;
using JkBoats.Data.Reports;
using JkBoats.Data.Schedule;
using JkBoats.Data.Staff;
using JkBoats.Data.Till;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Prometheus;

namespace JkBoats.Data;

public static class DataServiceCollectionExtensions
{
    /// <param name="dataSource">The primary: bookings, locks, staff, outbox, migrations.</param>
    /// <param name="replicaDataSource">A read replica for listings and look-ups, or null (the default) to read from the primary.</param>
    public static IServiceCollection AddJkBoatsData(this IServiceCollection services, Func<IServiceProvider, NpgsqlDataSource> dataSource,
        Func<IServiceProvider, NpgsqlDataSource?>? replicaDataSource = null)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(dataSource);
        services.AddSingleton(provider => new ReadDataSource(
            provider.GetRequiredService<NpgsqlDataSource>(), replicaDataSource?.Invoke(provider), provider.GetService<TimeProvider>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new OpsMetrics(Metrics.NewCustomRegistry()));
        services.AddSingleton<OperatorCalendar>();
        services.AddSingleton<BookingValidator>();
        services.AddSingleton<DepartureRepository>();
        services.AddSingleton<FareRepository>();
        services.AddSingleton<BookingRepository>();
        services.AddSingleton<Waitlist.WaitlistRepository>();
        services.AddSingleton<AvailabilitySignal>();
        services.AddSingleton<SeatInventory>();
        services.AddEmailOutbox();
        services.AddSingleton<DemoData>();
        services.AddSingleton<LockedTransaction>();
        services.AddSingleton<DeskRepository>();
        services.AddSingleton<ScheduleRepository>();
        services.AddSingleton<ScheduleInput>();
        services.AddSingleton<StaffRepository>();
        services.AddSingleton<SeatInvariantWatchdog>();
        services.AddSingleton<DashboardRepository>();
        services.AddSingleton<OperatorRepository>();
        services.AddSingleton<Content.ContentRepository>();
        services.AddSingleton<Payments.PaymentRepository>();
        services.AddSingleton<ReportRepository>();
        services.AddSingleton<TillRepository>();
        return services;
    }
}
