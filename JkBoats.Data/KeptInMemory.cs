namespace JkBoats.Data;

/// <summary>One value kept in memory until a time (the operator details, the content texts). The first read is made in line;
/// afterwards the kept value is always answered at once, and once it is older than its time one background read (never two
/// at once) replaces it, so a page never waits for a busy pool. The read keeps what it got with <see cref="Keep"/>, including
/// a fallback for a short while when the database cannot be reached.</summary>
public sealed class KeptInMemory<T>(TimeProvider clock) where T : class
{
    private sealed record Entry(T Value, DateTimeOffset Until);

    private Entry? _kept; // replaced whole
    private int _refreshing;

    /// <summary>What is kept now, however old; null before the first read.</summary>
    public T? Value => _kept?.Value;

    public void Keep(T value, TimeSpan keptFor) => _kept = new Entry(value, clock.GetUtcNow() + keptFor);

    public async Task<T> GetAsync(Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        if (_kept is not { } kept)
        {
            return await read(ct);
        }
        if (kept.Until <= clock.GetUtcNow() && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await read(CancellationToken.None);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            }, CancellationToken.None);
        }
        return kept.Value;
    }
}
