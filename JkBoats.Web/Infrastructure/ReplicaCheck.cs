using JkBoats.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace JkBoats.Web.Infrastructure;

/// <summary>Registered only when a read replica is configured. Degraded (never unhealthy: listings then read from the primary)
/// when the replica cannot be reached or is not a standby; reports how far behind it is.</summary>
public sealed class ReplicaCheck(ReadDataSource read) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (read.Replica is not { } replica) return HealthCheckResult.Healthy("no replica configured");
        try
        {
            await using var connection = await replica.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(
                "select pg_is_in_recovery(), extract(epoch from now() - pg_last_xact_replay_timestamp())::float8", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var inRecovery = reader.GetBoolean(0);
            double? lagSeconds = reader.IsDBNull(1) ? null : reader.GetDouble(1);
            var data = new Dictionary<string, object> { ["in_recovery"] = inRecovery, ["fallbacks_to_primary"] = read.Fallbacks };
            if (lagSeconds is { } lag) data["seconds_since_last_replayed_commit"] = lag;
            return inRecovery
                ? HealthCheckResult.Healthy("replica reachable" + (lagSeconds is { } l ? $", last replayed commit {l:0.0} s ago" : ""), data)
                : new HealthCheckResult(context.Registration.FailureStatus, "the replica connection string points at a server that is not a standby", data: data);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The message only: a stack trace at every probe while the replica is down says nothing more.
            return new HealthCheckResult(context.Registration.FailureStatus, $"replica unreachable ({e.Message}); listings read from the primary");
        }
    }
}
