namespace JkBoats.Tests.Infrastructure;

public sealed record StormAttempt(int Seats, int Status, string? Error);

/// <summary>Fires many booking attempts at once (all released by one gate) and collects every answer.</summary>
public static class Storm
{
    public static async Task<IReadOnlyList<StormAttempt>> RunAsync(int requests, int seed, Func<int, int, Task<StormAttempt>> attempt)
    {
        var random = new Random(seed);
        var seats = Enumerable.Range(0, requests).Select(_ => random.Next(1, 4)).ToArray();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = seats.Select((n, i) => Task.Run(async () =>
        {
            await gate.Task;
            return await attempt(i, n);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
