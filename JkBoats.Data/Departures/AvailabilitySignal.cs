namespace JkBoats.Data.Departures;

/// <summary>Raised after a transaction that took seats commits, so this instance's caches of listings drop what they hold.</summary>
public sealed class AvailabilitySignal
{
    public event Action? Changed;

    public void Raise() => Changed?.Invoke();
}
