using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using Prometheus;

namespace JkBoats.Data.Operations;

/// <summary>Booking outcome labels, as they appear in metrics and on the dashboard.</summary>
public static class Outcomes
{
    public const string Confirmed = "confirmed";
    public const string IdempotentReplay = "idempotent_replay";
    public const string InsufficientCapacity = "insufficient_capacity";
    public const string ValidationError = "validation_error";
    public const string NotFound = "not_found";
    public const string DepartureClosed = "departure_closed";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string Busy = "busy";
    public const string SystemError = "system_error";

    public static readonly string[] All =
        [Confirmed, IdempotentReplay, InsufficientCapacity, ValidationError, NotFound, DepartureClosed, IdempotencyKeyReused, Busy, SystemError];

    /// <summary>Outcomes that are not the system's fault: the request got the answer it deserved.</summary>
    public static bool IsSuccess(string outcome) => outcome is Confirmed or IdempotentReplay;

    public static string Of(BookingOutcome outcome) => outcome switch
    {
        BookingOutcome.Confirmed { Replayed: true } => IdempotentReplay,
        BookingOutcome.Confirmed => Confirmed,
        BookingOutcome.InsufficientCapacity => InsufficientCapacity,
        BookingOutcome.DepartureNotFound => NotFound,
        BookingOutcome.DepartureClosed => DepartureClosed,
        BookingOutcome.IdempotencyKeyReused => IdempotencyKeyReused,
        BookingOutcome.Busy => Busy,
        BookingOutcome.UnknownFare => ValidationError,
        _ => SystemError,
    };

    public static string Label(this BookingChannel channel) => channel.ToString().ToLowerInvariant();
}

/// <summary>The application's own Prometheus metrics, in the app's registry (one per app instance, so test apps in one
/// process never share counters). The last 24 hours of booking outcomes are also kept per hour for the dashboard.</summary>
public sealed class OpsMetrics
{
    private static readonly double[] LockBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

    private readonly Counter _bookings;
    private readonly Counter _changes;
    private readonly Histogram _lockWait;
    private readonly Histogram _lockHeld;
    private readonly Counter _retries;
    private readonly Histogram _retriesPerTransaction;
    private readonly Counter _emails;
    private readonly Counter _reminderSweeps;
    private readonly Counter _remindersQueued;
    private readonly Counter _violationsFound;
    private readonly Gauge _violations;
    private readonly Gauge _watchdogLastRun;

    public OpsMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var metrics = Metrics.WithCustomRegistry(registry);
        _bookings = metrics.CreateCounter("jkboats_booking_requests_total",
            "Booking requests by outcome and channel (web, api, desk).", "outcome", "channel");
        _changes = metrics.CreateCounter("jkboats_booking_changes_total",
            "Cancellations and moves of bookings by result.", "change", "result");
        _lockWait = metrics.CreateHistogram("jkboats_departure_lock_wait_seconds",
            "Time a transaction waited for its departure lock(s).", new HistogramConfiguration { LabelNames = ["operation"], Buckets = LockBuckets });
        _lockHeld = metrics.CreateHistogram("jkboats_departure_lock_held_seconds",
            "Time a transaction held its departure lock(s), from getting them to commit or rollback.", new HistogramConfiguration { LabelNames = ["operation"], Buckets = LockBuckets });
        _retries = metrics.CreateCounter("jkboats_transaction_retries_total",
            "Locked transactions tried again, by operation and reason (deadlock, serialization, lock_timeout, unique_violation).", "operation", "reason");
        _retriesPerTransaction = metrics.CreateHistogram("jkboats_transaction_retries",
            "Retries a locked transaction needed before its answer.", new HistogramConfiguration { LabelNames = ["operation"], Buckets = [0, 1, 2, 3, 5, 8] });
        _emails = metrics.CreateCounter("jkboats_emails_total",
            "Email sends by this instance's outbox worker: sent, failed (will retry), dead (given up).", "event");
        _reminderSweeps = metrics.CreateCounter("jkboats_reminder_sweeps_total",
            "Looks for bookings due a reminder by this instance.");
        _remindersQueued = metrics.CreateCounter("jkboats_reminders_queued_total",
            "Reminder emails queued by this instance's sweeps (a booking another instance reminded first is not counted).");
        _violationsFound = metrics.CreateCounter("jkboats_invariant_violations_found_total",
            "Departures found breaking the seat invariant, counted at every watchdog check that finds them.");
        _violations = metrics.CreateGauge("jkboats_invariant_violations",
            "Departures breaking the seat invariant at the last watchdog check (must be 0).");
        _watchdogLastRun = metrics.CreateGauge("jkboats_invariant_check_last_run_timestamp_seconds",
            "Unix time of the last seat invariant check.");
        foreach (var channel in Enum.GetValues<BookingChannel>())
        {
            foreach (var outcome in Outcomes.All)
            {
                _bookings.WithLabels(outcome, channel.Label());
            }
        }
        foreach (var e in new[] { "sent", "failed", "dead" })
        {
            _emails.WithLabels(e);
        }
    }

    public CollectorRegistry Registry { get; }

    public RecentOutcomes Recent { get; } = new(TimeProvider.System);

    public void Booking(BookingChannel channel, string outcome)
    {
        _bookings.WithLabels(outcome, channel.Label()).Inc();
        Recent.Add(outcome);
    }

    public void Change(string change, ChangeResult result) =>
        _changes.WithLabels(change, result.ToString().ToLowerInvariant()).Inc();

    public void LockWait(string operation, TimeSpan waited) => _lockWait.WithLabels(operation).Observe(waited.TotalSeconds);

    public void LockHeld(string operation, TimeSpan held) => _lockHeld.WithLabels(operation).Observe(held.TotalSeconds);

    public void Retry(string operation, string reason) => _retries.WithLabels(operation, reason).Inc();

    public void Retries(string operation, int retries) => _retriesPerTransaction.WithLabels(operation).Observe(retries);

    public void Email(string outboxEvent, int count = 1) => _emails.WithLabels(outboxEvent).Inc(count);

    public void ReminderSweep(int queued)
    {
        _reminderSweeps.Inc();
        _remindersQueued.Inc(queued);
    }

    public void InvariantChecked(int violations, DateTimeOffset at)
    {
        _violations.Set(violations);
        _violationsFound.Inc(violations);
        _watchdogLastRun.Set(at.ToUnixTimeMilliseconds() / 1000.0);
    }

    public static string OperationOf(string what) => what.ToLowerInvariant().Replace(' ', '_');
}

/// <summary>Booking outcomes of the last 24 hours in hourly buckets (this instance since its start).</summary>
public sealed class RecentOutcomes(TimeProvider clock)
{
    private const int Hours = 24;
    private readonly long[] _hourOf = new long[Hours];
    private readonly Dictionary<string, long>[] _counts = Enumerable.Range(0, Hours).Select(_ => new Dictionary<string, long>()).ToArray();
    private readonly Lock _lock = new();

    public void Add(string outcome)
    {
        var hour = clock.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var slot = (int)(hour % Hours);
        lock (_lock)
        {
            if (_hourOf[slot] != hour)
            {
                _hourOf[slot] = hour;
                _counts[slot].Clear();
            }
            _counts[slot][outcome] = _counts[slot].GetValueOrDefault(outcome) + 1;
        }
    }

    public IReadOnlyDictionary<string, long> Last24Hours()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var totals = Outcomes.All.ToDictionary(o => o, _ => 0L);
        lock (_lock)
        {
            for (var slot = 0; slot < Hours; slot++)
            {
                if (now - _hourOf[slot] < Hours)
                {
                    foreach (var (outcome, count) in _counts[slot])
                    {
                        totals[outcome] = totals.GetValueOrDefault(outcome) + count;
                    }
                }
            }
        }
        return totals;
    }
}
