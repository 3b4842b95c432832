using JkBoats.Data;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Data;

/// <summary>The keep-in-memory rule the operator details and the content texts share: the first read in line, then the kept
/// value at once, and once it is stale a single background read replaces it.</summary>
public sealed class KeptInMemoryTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task The_first_read_is_in_line_a_stale_value_is_answered_at_once_and_one_background_read_replaces_it()
    {
        var clock = new Clock();
        var kept = new KeptInMemory<string>(clock);
        var reads = 0;
        var release = new TaskCompletionSource();
        async Task<string> ReadAsync(CancellationToken ct)
        {
            var n = Interlocked.Increment(ref reads);
            if (n > 1) await release.Task; // background reads wait until the test lets them finish
            var value = $"v{n}";
            kept.Keep(value, TimeSpan.FromSeconds(5));
            return value;
        }

        Assert.Equal("v1", await kept.GetAsync(ReadAsync, CancellationToken.None));
        Assert.Equal("v1", await kept.GetAsync(ReadAsync, CancellationToken.None));
        Assert.Equal(1, reads); // still fresh: no read

        clock.Now += TimeSpan.FromSeconds(6);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => kept.GetAsync(ReadAsync, CancellationToken.None)));
        Assert.All(answers, a => Assert.Equal("v1", a)); // stale, answered at once while the refresh waits
        await Eventually.HoldsAsync(() => Volatile.Read(ref reads) == 2, TimeSpan.FromSeconds(5), "one background read");
        release.SetResult();
        await Eventually.HoldsAsync(() => kept.Value == "v2", TimeSpan.FromSeconds(5), "the refreshed value");

        Assert.Equal("v2", await kept.GetAsync(ReadAsync, CancellationToken.None));
        Assert.Equal(2, reads); // twenty stale answers, one refresh
    }
}
