using JkBoats.Data;
using JkBoats.Data.Inventory;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Operations;

/// <summary>Passes waiting-list holds that ran out to the next entry and applies weather choices' defaults once their deadline passed (every
/// instance may run it: each departure is changed under its lock, so two sweepers only repeat each other's no-op).</summary>
public sealed class WaitlistHoldSweeper(SeatInventory inventory, IOptions<JkBoatsOptions> options, ILogger<WaitlistHoldSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var interval = options.Value.WaitlistSweepInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    var swept = await inventory.ExpireHoldsAsync(stoppingToken);
                    if (swept > 0)
                    {
                        log.LogInformation("Passed on expired waiting-list holds on {Departures} departures", swept);
                    }
                    // Weather choices whose deadline passed get their default (each booking its own locked move or cancel).
                    var defaulted = await inventory.ApplyDueWeatherDefaultsAsync(stoppingToken);
                    if (defaulted > 0)
                    {
                        log.LogInformation("Applied the default to {Plans} weather plans past their deadline", defaulted);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "Waiting-list holds could not be swept; trying again in {Interval}", interval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
