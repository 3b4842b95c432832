using JkBoats.Data.Bookings;

namespace JkBoats.Data.Inventory;

internal sealed record PendingBooking(BookingCommand Command, string Fingerprint, long Started)
{
    public TaskCompletionSource<BookingOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid DepartureId => Command.Booking.DepartureId;

    /// <summary>Its departure was locked by other work (not a booking batch of this process) when a shared batch skipped it: it is
    /// decided next in a batch of its own departure that waits for the lock, so one stuck departure never holds up the others.</summary>
    public bool Alone { get; set; }
}

/// <summary>Coalesces concurrent booking requests into shared transactions. Requests wait in arrival order; a few lanes (at most
/// <c>lanes</c> transactions at once) each take what is waiting, up to a batch: every request for a departure no other lane is
/// deciding, in arrival order, for as many departures as fit. A hot departure then pays one lock wait and one commit per batch,
/// and requests spread over many departures share a commit (one WAL flush) instead of paying one each. No two lanes ever hold
/// the same departure, so they never wait on each other. A second request with an idempotency key already in the batch is
/// answered after the first, as if it had come next.</summary>
/// <param name="decideBatch">Decides a batch in one transaction; returns the requests it skipped because their departure was
/// locked by other work (they are decided again, alone).</param>
internal sealed class BookingQueue(Func<IReadOnlyList<PendingBooking>, Task<IReadOnlyList<PendingBooking>>> decideBatch, Func<int> maxBatch, Func<int> maxLanes)
{
    private readonly object _gate = new();
    private readonly LinkedList<PendingBooking> _waiting = new();
    private readonly HashSet<Guid> _deciding = [];
    private int _lanes;

    public void Enqueue(PendingBooking pending) => Enqueue([pending], first: false);

    private void Enqueue(IReadOnlyList<PendingBooking> requests, bool first)
    {
        lock (_gate)
        {
            if (first)
            {
                for (var i = requests.Count - 1; i >= 0; i--)
                {
                    _waiting.AddFirst(requests[i]);
                }
            }
            else
            {
                foreach (var pending in requests)
                {
                    _waiting.AddLast(pending);
                }
            }
            if (_lanes >= Math.Max(1, maxLanes()) || !HasWorkLocked())
            {
                return;
            }
            _lanes++;
        }
        _ = Task.Run(LaneAsync);
    }

    private bool HasWorkLocked()
    {
        for (var node = _waiting.First; node is not null; node = node.Next)
        {
            if (!_deciding.Contains(node.Value.DepartureId))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The next batch: from the oldest request whose departure is free, every waiting request of free departures in arrival
    /// order, up to the batch size (a request skipped before gets a batch of its departure alone). Its departures are marked taken.</summary>
    private List<PendingBooking>? TakeLocked()
    {
        var limit = Math.Max(1, maxBatch());
        List<PendingBooking>? batch = null;
        Guid? alone = null;
        var taken = new HashSet<Guid>();
        for (var node = _waiting.First; node is not null && (batch?.Count ?? 0) < limit;)
        {
            var next = node.Next;
            var pending = node.Value;
            var departure = pending.DepartureId;
            if (_deciding.Contains(departure) || (alone is { } only && departure != only) || (batch is not null && pending.Alone && !taken.Contains(departure)))
            {
                node = next;
                continue;
            }
            if (batch is null)
            {
                batch = [];
                if (pending.Alone)
                {
                    alone = departure;
                }
            }
            pending.Alone = false;
            batch.Add(pending);
            taken.Add(departure);
            _waiting.Remove(node);
            node = next;
        }
        if (batch is not null)
        {
            _deciding.UnionWith(taken);
        }
        return batch;
    }

    private async Task LaneAsync()
    {
        while (true)
        {
            List<PendingBooking>? batch;
            lock (_gate)
            {
                batch = TakeLocked();
                if (batch is null)
                {
                    _lanes--;
                    return;
                }
            }
            IReadOnlyList<PendingBooking> skipped = [];
            try
            {
                skipped = await DecideAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetException(e);
                }
            }
            finally
            {
                lock (_gate)
                {
                    foreach (var pending in batch)
                    {
                        _deciding.Remove(pending.DepartureId);
                    }
                }
            }
            if (skipped.Count > 0)
            {
                foreach (var pending in skipped)
                {
                    pending.Alone = true;
                }
                Enqueue(skipped, first: true);
            }
        }
    }

    private async Task<IReadOnlyList<PendingBooking>> DecideAsync(List<PendingBooking> batch)
    {
        var firsts = new Dictionary<string, PendingBooking>(StringComparer.Ordinal);
        var twins = new List<(PendingBooking Twin, PendingBooking First)>();
        var primaries = new List<PendingBooking>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Command.IdempotencyKey is not { } key)
            {
                primaries.Add(pending);
            }
            else if (firsts.TryGetValue(key, out var first))
            {
                twins.Add((pending, first));
            }
            else
            {
                firsts.Add(key, pending);
                primaries.Add(pending);
            }
        }

        var skipped = (await decideBatch(primaries)).ToList();

        var again = new List<PendingBooking>();
        foreach (var (twin, first) in twins)
        {
            if (skipped.Contains(first))
            {
                skipped.Add(twin); // decided with its first, in the same departure's batch
                continue;
            }
            var answer = first.Outcome.Task.IsCompletedSuccessfully ? first.Outcome.Task.Result : null;
            if (answer is BookingOutcome.Confirmed confirmed)
            {
                twin.Outcome.TrySetResult(twin.Fingerprint == first.Fingerprint
                    ? confirmed with { Replayed = true }
                    : new BookingOutcome.IdempotencyKeyReused());
            }
            else if (answer is BookingOutcome.Busy)
            {
                twin.Outcome.TrySetResult(answer);
            }
            else
            {
                again.Add(twin); // nothing was booked under the key: decided afresh in the next transaction
            }
        }
        if (again.Count > 0)
        {
            Enqueue(again, first: true);
        }
        return skipped.OrderBy(p => batch.IndexOf(p)).ToList();
    }
}
