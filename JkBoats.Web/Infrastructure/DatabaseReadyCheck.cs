using JkBoats.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace JkBoats.Web.Infrastructure;

/// <summary>Ready when the database answers and carries every migration this build knows. A newer schema (a later release
/// has migrated while this instance still runs) keeps it ready, so a rolling deploy does not take the old instances out
/// before the new ones serve; migrations are therefore written expand-then-contract (see docs/operations.md).</summary>
public sealed class DatabaseReadyCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var applied = await DatabaseMigrator.AppliedVersionAsync(db, ct);
            return applied >= DatabaseMigrator.LatestVersion
                ? HealthCheckResult.Healthy(applied == DatabaseMigrator.LatestVersion
                    ? $"schema version {applied}"
                    : $"schema version {applied}, newer than this build's {DatabaseMigrator.LatestVersion}")
                : HealthCheckResult.Unhealthy($"schema version {applied?.ToString() ?? "none"}, expected {DatabaseMigrator.LatestVersion}");
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
