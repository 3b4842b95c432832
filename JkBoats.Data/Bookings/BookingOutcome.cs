using System.Security.Cryptography;
using System.Text;

namespace JkBoats.Data.Bookings;

public enum BookingChannel
{
    Web,
    Api,
    Desk,
}

public sealed record BookingCommand(ValidBooking Booking, BookingChannel Channel, string? IdempotencyKey)
{
    /// <summary>What makes two requests "the same request" for an idempotency key.</summary>
    public static string Fingerprint(ValidBooking booking)
    {
        var canonical = string.Join('\n', booking.DepartureId, booking.Seats, booking.Customer.Email ?? "", booking.Customer.FullName, booking.Customer.Phone);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

public sealed record BookingConfirmation(
    Guid BookingId,
    string ConfirmationCode,
    BookingStatus Status,
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

    public sealed record DepartureClosed(DepartureClosure Reason) : BookingOutcome;

    public sealed record IdempotencyKeyReused : BookingOutcome;

    public sealed record Busy(TimeSpan RetryAfter) : BookingOutcome;
}
