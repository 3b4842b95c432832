using System.Threading.Channels;

namespace JkBoats.Data.Email;

/// <summary>Wakes this instance's outbox worker right after a transaction that queued an email commits.</summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _pokes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Poke() => _pokes.Writer.TryWrite(true);

    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_pokes.Reader.TryRead(out _))
        {
            return true;
        }
        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _pokes.Reader.ReadAsync(timer.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
