using System.Diagnostics;
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
        var interval = options.Value.Interval;
        var share = Math.Clamp(options.Value.MaxShare, 0.001, 1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
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
                log.LogError(e, "Seat invariant check could not run; trying again in {Interval}", interval);
            }
            var took = Stopwatch.GetElapsedTime(started);
            var wait = NextWait(interval, took, share, options.Value.MaxInterval);
            if (wait > interval)
            {
                log.LogInformation("Seat invariant check took {Took} ms; the next runs in {Wait} so checks stay under {Share:P0} of the time",
                    (long)took.TotalMilliseconds, wait, share);
            }
            try
            {
                await Task.Delay(wait - took > TimeSpan.Zero ? wait - took : TimeSpan.Zero, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>The time from one check's start to the next: the interval, or longer when a check took more than
    /// <paramref name="share"/> of it, up to <paramref name="longest"/> (never shorter than the interval).</summary>
    public static TimeSpan NextWait(TimeSpan interval, TimeSpan took, double share, TimeSpan longest)
    {
        var stretched = took / share;
        if (stretched > longest) stretched = longest;
        return stretched > interval ? stretched : interval;
    }
}
