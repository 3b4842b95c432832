using System.Diagnostics;
using JkBoats.Data.Email;
using JkBoats.Data.Operations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Web.Email;

/// <summary>Sends outside any transaction, through the <see cref="INotifier"/>; transient failures retry with capped backoff and
/// jitter, permanent ones end as dead.</summary>
public sealed class EmailOutboxWorker(
    EmailOutbox outbox, OutboxSignal signal, INotifier notifier,
    IOptions<EmailOptions> options, OpsMetrics metrics, ILogger<EmailOutboxWorker> log) : BackgroundService
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(20);

    private readonly string _workerId = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 100);

    public string WorkerId => _workerId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.Value;
        if (!settings.Worker.Enabled)
        {
            log.LogInformation("Email outbox worker disabled (Email:Worker:Enabled = false); emails stay queued");
            return;
        }
        if (settings.UsesSmtp)
        {
            log.LogInformation("Email: sending through SMTP server {Host}:{Port}", settings.Smtp.Host, settings.Smtp.Port);
        }
        else
        {
            log.LogInformation("Email: no SMTP host configured (Email:Smtp:Host), so emails are written as .eml files to {PickupDirectory}",
                settings.FullPickupDirectory);
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var claimed = await RunOnceAsync(stoppingToken);
                failures = 0;
                wait = claimed >= settings.Worker.BatchSize ? TimeSpan.Zero : await NextWaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                wait = Backoff(++failures, TimeSpan.FromSeconds(1), settings.Worker.PollInterval);
                log.LogWarning("Email outbox worker found no email_outbox table (database not migrated yet); trying again in {RetryIn}", wait);
            }
            catch (Exception e)
            {
                // Typically the database is unreachable; nothing is lost, the rows wait in the outbox.
                wait = Backoff(++failures, TimeSpan.FromSeconds(1), settings.Worker.PollInterval);
                log.LogError(e, "Email outbox worker could not process the outbox; trying again in {RetryIn}", wait);
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken stoppingToken)
    {
        var worker = options.Value.Worker;
        var leaseClock = Stopwatch.StartNew();
        var claimed = await outbox.ClaimDueAsync(_workerId, worker.BatchSize, worker.LeaseDuration, stoppingToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        // Stop starting sends while one more could outlive the lease: then another worker could take the row too.
        var sendBudget = worker.LeaseDuration - options.Value.Smtp.Timeout;
        var unsent = claimed.Select(email => email.Id).ToHashSet();
        string? unreachable = null;
        try
        {
            foreach (var email in claimed)
            {
                if (stoppingToken.IsCancellationRequested || leaseClock.Elapsed > sendBudget)
                {
                    break;
                }
                // An in-flight send finishes even during shutdown (bounded by the SMTP timeout); the rest go back.
                if (unreachable is null)
                {
                    unreachable = await SendAsync(email, CancellationToken.None);
                }
                else
                {
                    await RetryLaterAsync(email, $"not tried, server unreachable: {unreachable}", CancellationToken.None);
                }
                unsent.Remove(email.Id);
            }
        }
        finally
        {
            await notifier.CloseAsync();
            if (unsent.Count > 0)
            {
                await outbox.ReleaseAsync(unsent, _workerId, CancellationToken.None);
            }
        }
        return claimed.Count;
    }

    private async Task<string?> SendAsync(ClaimedEmail email, CancellationToken ct)
    {
        if (email.Attempts > options.Value.Worker.MaxAttempts)
        {
            await GiveUpAsync(email, $"claimed {email.Attempts - 1} times without a result", ct);
            return null;
        }

        var sending = Stopwatch.StartNew();
        try
        {
            await notifier.SendAsync(email, ct);
        }
        catch (UnsendableEmailException e)
        {
            await GiveUpAsync(email, e.Message, ct);
            return null;
        }
        catch (DeliveryFailedException e)
        {
            if (e.Permanent)
            {
                await GiveUpAsync(email, e.Message, ct);
            }
            else
            {
                await RetryLaterAsync(email, e.Message, ct);
            }
            return e.ChannelDown ? e.Message : null;
        }

        var marked = await outbox.MarkSentAsync(email.Id, _workerId, ct);
        metrics.Email("sent");
        if (!marked)
        {
            log.LogWarning("Email {OutboxId} for booking {BookingId} was sent after its lease ran out; it may be sent twice",
                email.Id, email.BookingId);
        }
        log.LogInformation("Sent {Kind} email {OutboxId} for booking {BookingId} on attempt {Attempts} in {ElapsedMs} ms",
            email.Kind, email.Id, email.BookingId, email.Attempts, sending.ElapsedMilliseconds);
        return null;
    }

    private async Task RetryLaterAsync(ClaimedEmail email, string reason, CancellationToken ct)
    {
        var worker = options.Value.Worker;
        if (email.Attempts >= worker.MaxAttempts)
        {
            await GiveUpAsync(email, reason, ct);
            return;
        }
        var retryIn = Backoff(email.Attempts, worker.BackoffBase, worker.BackoffCap);
        await outbox.MarkFailedAsync(email.Id, _workerId, reason, retryIn, ct);
        metrics.Email("failed");
        log.LogWarning("Email {OutboxId} ({Kind}) for booking {BookingId} failed on attempt {Attempts}, retrying in {RetryIn}: {Reason}",
            email.Id, email.Kind, email.BookingId, email.Attempts, retryIn, reason);
    }

    private async Task GiveUpAsync(ClaimedEmail email, string reason, CancellationToken ct)
    {
        await outbox.MarkDeadAsync(email.Id, _workerId, reason, ct);
        metrics.Email("dead");
        log.LogError("Email {OutboxId} ({Kind}) for booking {BookingId} is dead after {Attempts} attempts: {Reason}",
            email.Id, email.Kind, email.BookingId, email.Attempts, reason);
    }

    private async Task<TimeSpan> NextWaitAsync(CancellationToken ct)
    {
        var poll = options.Value.Worker.PollInterval;
        var due = await outbox.NextDueInAsync(ct);
        return due is { } soon && soon < poll ? (soon < MinimumWait ? MinimumWait : soon) : poll;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[^length..];

    /// <summary>base * 2^(attempt-1), capped, less up to 20% jitter so retries after an outage spread out.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan cap)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, cap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 - 0.2 * Random.Shared.NextDouble()));
    }
}
