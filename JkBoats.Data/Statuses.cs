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

/// <summary>The stored status words, interpolated into const SQL as literals: the planner matches partial indexes
/// (<c>where status = 'confirmed'</c>) only against literals, never bind parameters.</summary>
public static class StatusSql
{
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";
    public const string Scheduled = "scheduled";
}

/// <summary>Dapper reads the stored words into the enums by name; <see cref="Name(BookingStatus)"/> writes them back.</summary>
public static class Statuses
{
    public static string Name(this BookingStatus status) => status switch
    {
        BookingStatus.Confirmed => StatusSql.Confirmed,
        BookingStatus.Cancelled => StatusSql.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string Name(this DepartureStatus status) => status switch
    {
        DepartureStatus.Scheduled => StatusSql.Scheduled,
        DepartureStatus.Cancelled => StatusSql.Cancelled,
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
