using System.Diagnostics;

namespace JkBoats.Tests.Infrastructure;

/// <summary>How tests wait: poll for the state they need until a deadline, then fail saying what never happened.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(10);

    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? every = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what()}");
            }
            await Task.Delay(every ?? DefaultInterval, ct);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? every = null, CancellationToken ct = default) =>
        HoldsAsync(condition, timeout, () => what, every, ct);

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? every = null, CancellationToken ct = default) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, () => what, every, ct);
}
