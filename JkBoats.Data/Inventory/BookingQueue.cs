using System.Collections.Concurrent;
using JkBoats.Data.Bookings;

namespace JkBoats.Data.Inventory;

internal sealed record PendingBooking(BookingCommand Command, string Fingerprint, long Started)
{
    public TaskCompletionSource<BookingOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Coalesces concurrent booking requests per departure: while a transaction for a departure runs, new requests for it wait, and the next
/// transaction decides up to a batch of them in arrival order. A hot departure then pays one lock wait and one commit per batch instead of per
/// request. A second request with an idempotency key already in the batch is answered after the first, as if it had come next.</summary>
internal sealed class BookingQueue(Func<IReadOnlyList<PendingBooking>, Task> decideBatch, Func<int> maxBatch)
{
    private readonly ConcurrentDictionary<Guid, DepartureQueue> _queues = new();

    public void Enqueue(PendingBooking pending, bool first = false)
    {
        var departureId = pending.Command.Booking.DepartureId;
        while (true)
        {
            var queue = _queues.GetOrAdd(departureId, _ => new DepartureQueue());
            lock (queue)
            {
                if (queue.Retired)
                {
                    continue;
                }
                queue.Waiting.Insert(first ? 0 : queue.Waiting.Count, pending);
                if (queue.Running)
                {
                    return;
                }
                queue.Running = true;
            }
            _ = Task.Run(() => DrainAsync(departureId, queue));
            return;
        }
    }

    private async Task DrainAsync(Guid departureId, DepartureQueue queue)
    {
        while (true)
        {
            List<PendingBooking> batch;
            lock (queue)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Running = false;
                    queue.Retired = true;
                    _queues.TryRemove(new KeyValuePair<Guid, DepartureQueue>(departureId, queue));
                    return;
                }
                var take = Math.Min(Math.Max(1, maxBatch()), queue.Waiting.Count);
                batch = queue.Waiting.GetRange(0, take);
                queue.Waiting.RemoveRange(0, take);
            }
            try
            {
                await DecideAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetException(e);
                }
            }
        }
    }

    private async Task DecideAsync(List<PendingBooking> batch)
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

        await decideBatch(primaries);

        var again = new List<PendingBooking>();
        foreach (var (twin, first) in twins)
        {
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
        for (var i = again.Count - 1; i >= 0; i--)
        {
            Enqueue(again[i], first: true);
        }
    }

    private sealed class DepartureQueue
    {
        public List<PendingBooking> Waiting { get; } = [];

        public bool Running { get; set; }

        /// <summary>Removed from the map: a new request makes a new queue.</summary>
        public bool Retired { get; set; }
    }
}
