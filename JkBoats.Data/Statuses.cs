namespace JkBoats.Data;

public enum BookingStatus
{
    Confirmed,
    Cancelled,
}

public enum DepartureStatus
{
    Scheduled,
    Cancelled,
}

/// <summary>Why a departure takes no bookings, or <see cref="Open"/> when it does.</summary>
public enum DepartureClosure
{
    Open,
    Cancelled,
    Departed,
}

/// <summary>
/// The one mapping between the status enums and the words stored in the database and shown in the API. Dapper reads
/// the stored words into the enums by name; SQL in Data writes the same words.
/// </summary>
public static class Statuses
{
    public static string Name(this BookingStatus status) => status switch
    {
        BookingStatus.Confirmed => "confirmed",
        BookingStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string Name(this DepartureStatus status) => status switch
    {
        DepartureStatus.Scheduled => "scheduled",
        DepartureStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The one "bookable" rule: scheduled and not yet left.</summary>
    public static DepartureClosure ClosureOf(DepartureStatus status, DateTime departureTimeUtc, DateTime nowUtc) =>
        status == DepartureStatus.Cancelled ? DepartureClosure.Cancelled
        : departureTimeUtc <= nowUtc ? DepartureClosure.Departed
        : DepartureClosure.Open;

    public static bool IsBookable(DepartureStatus status, DateTime departureTimeUtc, DateTime nowUtc) =>
        ClosureOf(status, departureTimeUtc, nowUtc) == DepartureClosure.Open;
}
