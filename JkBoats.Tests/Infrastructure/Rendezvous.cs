namespace JkBoats.Tests.Infrastructure;

/// <summary>Holds racing tasks until all of them have arrived, so a negative control's unlocked read-then-write always overlaps
/// (a sleep alone lets the tasks run one after another on a loaded machine).</summary>
public sealed class Rendezvous(int parties)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Arrives, and waits (at most 30 s) for the others.</summary>
    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == parties)
        {
            _all.SetResult();
        }
        return _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
