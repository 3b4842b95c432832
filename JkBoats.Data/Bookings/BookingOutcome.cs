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
    /// <summary>The language the customer booked in (a two- or three-letter code, e.g. <c>el</c>), for the booking's emails;
    /// null: English.</summary>
    public string? Language { get; init; }

    /// <summary>Who made the booking, for its history: the staff member's email at the desk; the channel otherwise.</summary>
    public string? Actor { get; init; }

    /// <summary>Taken at the desk with the sale: the whole price paid this way (<see cref="Payments.PaymentMethod"/>), in the booking's
    /// transaction. Null: nothing paid yet.</summary>
    public string? PaymentMethod { get; init; }

    /// <summary>What makes two requests "the same request" for an idempotency key.</summary>
    public static string Fingerprint(ValidBooking booking)
    {
        var canonical = string.Join('\n', booking.DepartureId, booking.Seats, booking.Customer.Email ?? "", booking.Customer.FullName, booking.Customer.Phone);
        if (booking.Passengers is { } passengers)
        {
            // Requests without a passenger list keep the fingerprint they always had, so stored keys still match.
            canonical += string.Concat(passengers.Select(p =>
                $"\n\u001e{p.Fare}\u001f{p.FullName}\u001f{p.BirthYear}\u001f{p.Needs}\u001f{p.NeedsNote}"));
        }
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
    DateTime CreatedAt,
    string Language = "en")
{
    /// <summary>In position order; null when not loaded (rows read straight into this record).</summary>
    public IReadOnlyList<BookedPassenger>? Passengers { get; init; }

    public int Persons => Passengers?.Count ?? SeatsBooked;

    /// <summary>Who cancelled and why, for a cancelled booking read by <see cref="BookingRepository.GetAsync"/>; null otherwise.</summary>
    public BookingCancellation? Cancellation { get; init; }
}

/// <summary>A booking's cancellation: by the customer (manage link) or by the operator (the desk, or the departure cancelled).</summary>
public sealed record BookingCancellation(bool ByCustomer, string? Reason, DateTime CancelledAt)
{
    public const string Customer = "customer";

    /// <summary>"Cancelled by you online" or "Cancelled by JK Boats: weather".</summary>
    public string Describe(string operatorName) => ByCustomer
        ? "Cancelled by you online"
        : string.IsNullOrWhiteSpace(Reason) ? $"Cancelled by {operatorName}" : $"Cancelled by {operatorName}: {Reason}";
}

/// <summary>A passenger as booked: the fare's code and name, the seat rule it was sold under and its price.</summary>
public sealed record BookedPassenger(int Position, string Fare, string FareName, bool TakesSeat, string? FullName, decimal Price);

public abstract record BookingOutcome
{
    private BookingOutcome()
    {
    }

    public sealed record Confirmed(BookingConfirmation Booking, bool Replayed) : BookingOutcome;

    /// <summary>Seats (and, for a passenger list, persons on board) left and asked for. A request without a passenger list is
    /// told the adults it could still book: the smaller of seats and persons left.</summary>
    public sealed record InsufficientCapacity(int AvailableSeats, int Requested, int? AvailablePersons = null, int RequestedPersons = 0) : BookingOutcome;

    /// <summary>Passenger <paramref name="Index"/> asks for a fare this departure does not sell.</summary>
    public sealed record UnknownFare(int Index, string Fare) : BookingOutcome;

    public sealed record DepartureNotFound : BookingOutcome;

    public sealed record DepartureClosed(DepartureClosure Reason) : BookingOutcome;

    public sealed record IdempotencyKeyReused : BookingOutcome;

    public sealed record Busy(TimeSpan RetryAfter) : BookingOutcome;
}
