using JkBoats.Data.Operations;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Operations;

public sealed class InvariantWatchdogService(SeatInvariantWatchdog watchdog, IOptions<WatchdogOptions> options, ILogger<InvariantWatchdogService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!options.Value.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                await watchdog.CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogError(e, "Seat invariant check could not run; trying again in {Interval}", options.Value.Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
