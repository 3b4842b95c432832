using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Email;

/// <summary>Queues the reminders that have come due (<see cref="ReminderQueue"/>) every <see cref="EmailOptions.ReminderSweepInterval"/>;
/// every instance runs it, the database keeps each reminder to one.</summary>
public sealed class ReminderSweeper(ReminderQueue reminders, IOptions<EmailOptions> options, OpsMetrics metrics, ILogger<ReminderSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var (interval, lead) = (options.Value.ReminderSweepInterval, options.Value.ReminderLead);
        if (interval <= TimeSpan.Zero)
        {
            log.LogInformation("Reminder sweeper disabled (Email:ReminderSweepInterval = {Interval})", interval);
            return;
        }
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    var queued = await reminders.QueueDueAsync(lead, stoppingToken);
                    metrics.ReminderSweep(queued);
                    if (queued > 0)
                    {
                        log.LogInformation("Queued {Reminders} reminders for departures within {Lead}", queued, lead);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "Reminders could not be queued; trying again in {Interval}", interval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
