namespace JkBoats.Data.Bookings;

public enum BookingChannel
{
    Web,
    Api,
    Desk,
}

public sealed record BookingCommand(ValidBooking Booking, BookingChannel Channel, string? IdempotencyKey);

public sealed record BookingConfirmation(
    Guid BookingId,
    string ConfirmationCode,
    string Status,
    Guid DepartureId,
    string BoatName,
    DateTime DepartureTime,
    string Destination,
    int SeatsBooked,
    decimal TotalPrice,
    string? Email,
    string FullName,
    string Phone,
    DateTime CreatedAt);

public abstract record BookingOutcome
{
    private BookingOutcome()
    {
    }

    public sealed record Confirmed(BookingConfirmation Booking, bool Replayed) : BookingOutcome;

    public sealed record InsufficientCapacity(int AvailableSeats, int Requested) : BookingOutcome;

    public sealed record DepartureNotFound : BookingOutcome;

    /// <summary>The departure exists but has left or was cancelled.</summary>
    public sealed record DepartureClosed(string Reason) : BookingOutcome;

    /// <summary>The idempotency key was used before for a different request.</summary>
    public sealed record IdempotencyKeyReused : BookingOutcome;

    public sealed record Busy(TimeSpan RetryAfter) : BookingOutcome;
}
