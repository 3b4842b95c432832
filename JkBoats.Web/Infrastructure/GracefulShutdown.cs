using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Infrastructure;

public sealed class ShutdownOptions
{
    public const string Section = "JkBoats:Shutdown";

    /// <summary>Serving on after SIGTERM with readiness already unhealthy, so a load balancer stops sending before the server stops accepting.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Readiness turns unhealthy the moment shutdown starts; the server stops only after the drain delay.</summary>
public sealed class ShutdownDrain(IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> log)
    : IHostedLifecycleService, IHealthCheck
{
    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(Stopping ? HealthCheckResult.Unhealthy("shutting down") : HealthCheckResult.Healthy());

    // Runs after ApplicationStopping fired and before any hosted service, the web server included, is stopped.
    public async Task StoppingAsync(CancellationToken ct)
    {
        var delay = options.Value.DrainDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        log.LogInformation("Shutting down: readiness is unhealthy; still serving for {DrainDelay} while the load balancer drains", delay);
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first.
        }
    }

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}

public static class GracefulShutdown
{
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section);
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "shutdown", provider => provider.GetRequiredService<ShutdownDrain>(), HealthStatus.Unhealthy, ["ready"]));
        return services;
    }
}
