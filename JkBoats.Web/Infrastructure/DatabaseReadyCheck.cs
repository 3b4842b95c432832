using JkBoats.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace JkBoats.Web.Infrastructure;

/// <summary>Ready when the database answers and carries every migration this build knows.</summary>
public sealed class DatabaseReadyCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var applied = await DatabaseMigrator.AppliedVersionAsync(db, ct);
            return applied == DatabaseMigrator.LatestVersion
                ? HealthCheckResult.Healthy($"schema version {applied}")
                : HealthCheckResult.Unhealthy($"schema version {applied?.ToString() ?? "none"}, expected {DatabaseMigrator.LatestVersion}");
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
