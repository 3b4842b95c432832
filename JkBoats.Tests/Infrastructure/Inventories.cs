using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Tests.Infrastructure;

public static class Inventories
{
    public static SeatInventory Create(NpgsqlDataSource db, JkBoatsOptions options, AvailabilitySignal? availability = null) =>
        new(Locked(db, options, availability), Options.Create(options), TimeProvider.System, new OpsMetrics(Prometheus.Metrics.NewCustomRegistry()),
            NullLogger<SeatInventory>.Instance);

    private static LockedTransaction Locked(NpgsqlDataSource db, JkBoatsOptions options, AvailabilitySignal? availability) =>
        new(db, Options.Create(options), TimeProvider.System, new OpsMetrics(Prometheus.Metrics.NewCustomRegistry()),
            availability ?? new AvailabilitySignal(), new OutboxSignal(), NullLogger<LockedTransaction>.Instance);
}
