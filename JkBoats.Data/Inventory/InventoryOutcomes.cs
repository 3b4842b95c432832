namespace JkBoats.Data.Inventory;

public enum ChangeResult
{
    Done,
    NothingToChange,
    NotFound,
    TooLate,
    TargetNotBookable,
    NotEnoughSeats,
    NotEnoughRoom,
    FareNotSold,
    Busy,

    /// <summary>Removing these passengers would leave nobody with a seat, or more infants than laps.</summary>
    PartyInvalid,

    /// <summary>The lead passenger (the booker's ticket) stays; to drop them, cancel the booking.</summary>
    LeadPassenger,

    /// <summary>A passenger position the booking does not have.</summary>
    UnknownPassenger,

    /// <summary>The customer's own move goes only to a departure to the same destination.</summary>
    OtherDestination,
}

/// <summary>For <see cref="ChangeResult.NotEnoughSeats"/> the seats, for <see cref="ChangeResult.NotEnoughRoom"/> the persons on board.</summary>
public sealed record ChangeOutcome(ChangeResult Result, int AvailableSeats = 0, int SeatsNeeded = 0)
{
    /// <summary>A cancel with a refund method: what was refunded with it.</summary>
    public decimal Refunded { get; init; }

    public bool Succeeded => Result == ChangeResult.Done;
}

public enum ScheduleResult
{
    Done,
    NotFound,
    Duplicate,
    BoatUnavailable,
    CapacityTooSmall,
    Busy,
    TargetTooSmall,
    TargetNotBookable,
    NothingToChange,
    PersonsTooMany,
    FareNotSold,
}

public sealed record ScheduleOutcome(ScheduleResult Result, int Count = 0, int Booked = 0, int NewCapacity = 0, Guid? Id = null)
{
    public bool Succeeded => Result == ScheduleResult.Done;
}

public enum CheckInResult
{
    Done,
    NothingToChange,
    NotFound,
    NotConfirmed,
    OtherDeparture,
    Busy,
}

public sealed record CheckInRequest(Guid? BookingId, string? Code, bool CheckedIn, string ChangedBy)
{
    /// <summary>The booking must be on this departure (the manifest).</summary>
    public Guid? DepartureId { get; init; }

    /// <summary>The booking's departure must leave in [From, To) (the board of one day).</summary>
    public (DateTime FromUtc, DateTime ToUtc)? Window { get; init; }
}

public sealed record CheckInBooking(
    Guid BookingId, string ConfirmationCode, BookingStatus Status, string FullName, int SeatsBooked, DateTime? CheckedInAt,
    Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName);

public sealed record CheckInOutcome(CheckInResult Result, CheckInBooking? Booking = null)
{
    public bool Succeeded => Result is CheckInResult.Done or CheckInResult.NothingToChange;
}
