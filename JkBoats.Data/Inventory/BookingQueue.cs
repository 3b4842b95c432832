using JkBoats.Data.Bookings;

namespace JkBoats.Data.Inventory;

internal sealed record PendingBooking(BookingCommand Command, string Fingerprint, long Started)
{
    public TaskCompletionSource<BookingOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid DepartureId => Command.Booking.DepartureId;

    /// <summary>Its departure was locked by other work (not a booking batch of this process) when a lane's batch skipped it: it is
    /// decided in a batch of its own departure that waits for the lock, on a lane of its own, so one stuck departure never holds up
    /// the others.</summary>
    public bool Alone { get; set; }
}

/// <summary>Coalesces concurrent booking requests into shared transactions. Requests wait in arrival order; a few lanes (at most
/// <c>lanes</c> transactions at once) each take what is waiting, up to a batch: every request for a departure no other lane is
/// deciding, in arrival order, for as many departures as fit. A hot departure then pays one lock wait and one commit per batch,
/// and requests spread over many departures share a commit (one WAL flush) instead of paying one each. No two lanes ever hold
/// the same departure, so they never wait on each other. A second request with an idempotency key already in the batch is
/// answered after the first, as if it had come next.
/// <para>A lane's batch never waits for a departure other work holds (the batch skips it); the skipped requests are decided in a
/// batch of their departure alone that waits for the lock, on a lane of its own (at most <c>lanes</c> of those too), so a stuck
/// departure holds up neither the lanes nor the requests for other departures queued behind it.</para></summary>
/// <param name="decideBatch">Decides a batch in one transaction (waiting for its departure's lock when the batch is
/// <see cref="PendingBooking.Alone"/>, skipping departures other work holds otherwise); returns the requests it skipped.</param>
internal sealed class BookingQueue(Func<IReadOnlyList<PendingBooking>, Task<IReadOnlyList<PendingBooking>>> decideBatch, Func<int> maxBatch, Func<int> maxLanes)
{
    private readonly object _gate = new();
    private readonly LinkedList<PendingBooking> _waiting = new();
    private readonly HashSet<Guid> _deciding = [];
    private int _lanes;
    private int _aloneLanes;

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
        }
        StartLanes();
    }

    /// <summary>Starts a lane of each kind that has work waiting for a free departure and room for one more lane.</summary>
    private void StartLanes()
    {
        bool lane, aloneLane;
        lock (_gate)
        {
            var limit = Math.Max(1, maxLanes());
            var (work, aloneWork) = WorkLocked();
            lane = work && _lanes < limit;
            aloneLane = aloneWork && _aloneLanes < limit;
            _lanes += lane ? 1 : 0;
            _aloneLanes += aloneLane ? 1 : 0;
        }
        if (lane)
        {
            _ = Task.Run(() => LaneAsync(alone: false));
        }
        if (aloneLane)
        {
            _ = Task.Run(() => LaneAsync(alone: true));
        }
    }

    /// <summary>Whether a request waits for a free departure: one to be decided in a lane's batch, one to be decided alone.</summary>
    private (bool Work, bool AloneWork) WorkLocked()
    {
        var (work, aloneWork) = (false, false);
        for (var node = _waiting.First; node is not null && !(work && aloneWork); node = node.Next)
        {
            if (!_deciding.Contains(node.Value.DepartureId))
            {
                work |= !node.Value.Alone;
                aloneWork |= node.Value.Alone;
            }
        }
        return (work, aloneWork);
    }

    /// <summary>The next batch of a lane: from the oldest request whose departure is free, every waiting request of free departures
    /// in arrival order, up to the batch size, leaving out departures with a request to be decided alone. For an alone lane: the
    /// oldest such request's departure, every request waiting for it. Its departures are marked taken.</summary>
    private List<PendingBooking>? TakeLocked(bool alone)
    {
        var limit = Math.Max(1, maxBatch());
        var aloneDepartures = _waiting.Where(p => p.Alone).Select(p => p.DepartureId).ToHashSet();
        Guid? only = alone ? _waiting.FirstOrDefault(p => p.Alone && !_deciding.Contains(p.DepartureId))?.DepartureId : null;
        if (alone && only is null)
        {
            return null;
        }
        List<PendingBooking>? batch = null;
        var taken = new HashSet<Guid>();
        for (var node = _waiting.First; node is not null && (batch?.Count ?? 0) < limit;)
        {
            var next = node.Next;
            var pending = node.Value;
            var departure = pending.DepartureId;
            if (alone ? departure != only : _deciding.Contains(departure) || aloneDepartures.Contains(departure))
            {
                node = next;
                continue;
            }
            batch ??= [];
            batch.Add(pending);
            taken.Add(departure);
            _waiting.Remove(node);
            node = next;
        }
        if (batch is not null)
        {
            foreach (var pending in batch)
            {
                pending.Alone = alone;
            }
            _deciding.UnionWith(taken);
        }
        return batch;
    }

    private async Task LaneAsync(bool alone)
    {
        while (true)
        {
            List<PendingBooking>? batch;
            lock (_gate)
            {
                batch = TakeLocked(alone);
                if (batch is null)
                {
                    if (alone)
                    {
                        _aloneLanes--;
                    }
                    else
                    {
                        _lanes--;
                    }
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
            foreach (var pending in skipped)
            {
                pending.Alone = true;
            }
            if (skipped.Count > 0)
            {
                Enqueue(skipped, first: true);
            }
            else
            {
                StartLanes(); // the batch's departures are free again: requests for them may wait for a lane of the other kind
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
