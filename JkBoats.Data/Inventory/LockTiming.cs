using System.Diagnostics;

namespace JkBoats.Data.Inventory;

/// <summary>When the current transaction attempt got its departure locks: the code that takes the locks marks it, the code
/// that runs the transaction reads it to tell time waiting for the locks from time holding them.</summary>
public sealed class LockTiming
{
    private static readonly AsyncLocal<LockTiming?> CurrentAttempt = new();

    private long _acquiredAt;

    public static LockTiming? Current => CurrentAttempt.Value;

    public TimeSpan? Waited { get; private set; }

    public TimeSpan Held => Waited is null ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_acquiredAt);

    public static LockTiming Begin() => CurrentAttempt.Value = new LockTiming();

    public static long StartWaiting() => Stopwatch.GetTimestamp();

    public static void Acquired(long waitStartedAt)
    {
        if (Current is { } attempt)
        {
            attempt._acquiredAt = Stopwatch.GetTimestamp();
            attempt.Waited = Stopwatch.GetElapsedTime(waitStartedAt, attempt._acquiredAt);
        }
    }
}
