using System.Diagnostics.Metrics;
using Prometheus;

namespace JkBoats.Web.Operations;

/// <summary>Connections in use and idle in this app's Npgsql pool, read from Npgsql's own meter at each scrape. The meter
/// reports every pool in the process, so only measurements tagged with this app's pool name are kept.</summary>
public sealed class NpgsqlPoolMetrics : IDisposable
{
    private const string PoolNameTag = "db.client.connection.pool.name";
    private const string StateTag = "db.client.connection.state";

    private readonly string _poolName;
    private readonly MeterListener _listener = new();
    private readonly Gauge _connections;
    private readonly Gauge _max;

    public NpgsqlPoolMetrics(string poolName, CollectorRegistry registry)
    {
        _poolName = poolName;
        var metrics = Metrics.WithCustomRegistry(registry);
        _connections = metrics.CreateGauge("jkboats_db_pool_connections", "Connections in the Npgsql pool by state (used, idle).", "state");
        _max = metrics.CreateGauge("jkboats_db_pool_max_connections", "Most connections the Npgsql pool may open.");
        _connections.WithLabels("used");
        _connections.WithLabels("idle");

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name is "db.client.connection.count" or "db.client.connection.max")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? pool = null, state = null;
        foreach (var tag in tags)
        {
            if (tag.Key == PoolNameTag)
            {
                pool = tag.Value as string;
            }
            else if (tag.Key == StateTag)
            {
                state = tag.Value as string;
            }
        }
        if (pool != _poolName)
        {
            return;
        }
        if (instrument.Name == "db.client.connection.max")
        {
            _max.Set(value);
        }
        else if (state is "used" or "idle")
        {
            _connections.WithLabels(state).Set(value);
        }
    }

    public void Dispose() => _listener.Dispose();
}
