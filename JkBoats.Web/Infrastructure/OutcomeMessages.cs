using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Web.Pages.Shared;

namespace JkBoats.Web.Infrastructure;

/// <summary>What a booking outcome says to a person, the same words on the site, at the desk and in the API: the customer's words
/// through <see cref="SiteText"/>, so in the visitor's language on the site and English at the desk and in the API (whose UI
/// culture is fixed). The desk's own words (check-in, boarding, changes) are English.</summary>
public static class OutcomeMessages
{
    public static string Closed(DepartureClosure closure) => closure switch
    {
        DepartureClosure.Cancelled => SiteText.T("This departure has been cancelled."),
        DepartureClosure.Departed => SiteText.T("This departure has already left."),
        _ => SiteText.T("This departure is open for booking."),
    };

    public static string Capacity(BookingOutcome.InsufficientCapacity refused) => refused switch
    {
        { AvailablePersons: { } persons } when persons < refused.RequestedPersons && refused.AvailableSeats >= refused.Requested => persons == 1
            ? SiteText.T("Room for only 1 more person on board (infants included), but {0} requested", refused.RequestedPersons)
            : SiteText.T("Room for only {0} more persons on board (infants included), but {1} requested", persons, refused.RequestedPersons),
        { AvailablePersons: 1 } => SiteText.T("{0}; 1 person may still board", SeatsCapacity(refused)),
        { AvailablePersons: { } persons } => SiteText.T("{0}; {1} persons may still board", SeatsCapacity(refused), persons),
        _ => SeatsCapacity(refused),
    };

    private static string SeatsCapacity(BookingOutcome.InsufficientCapacity refused) => refused.AvailableSeats switch
    {
        0 => SiteText.T("No seats available, but {0} requested", refused.Requested),
        1 => SiteText.T("Only 1 seat available, but {0} requested", refused.Requested),
        var n => SiteText.T("Only {0} seats available, but {1} requested", n, refused.Requested),
    };

    private static string Persons(int count) => count == 1 ? "person" : "persons";

    public static string UnknownFare(BookingOutcome.UnknownFare refused) =>
        SiteText.T("This departure does not sell the fare \"{0}\".", refused.Fare);

    public static string SeatsLeft(int available) =>
        available == 1 ? SiteText.T("Only 1 seat is left.") : SiteText.T("Only {0} seats are left.", available);

    public static string SoldOut => SiteText.T("This departure is sold out.");

    public static string NotBooked => SiteText.T("Your booking was not made.");

    public static string Busy => SiteText.T("Many bookings are going through for this departure right now; nothing was booked. Please try again.");

    public static string Change(ChangeOutcome outcome) => outcome.Result switch
    {
        ChangeResult.Done => "Done.",
        ChangeResult.NothingToChange => "Nothing to change: the booking is already there, or not confirmed.",
        ChangeResult.NotFound => "No such booking.",
        ChangeResult.TooLate => "It is too late to change this booking here.",
        ChangeResult.TargetNotBookable => "That departure cannot take bookings (it has left, was cancelled or does not exist).",
        ChangeResult.NotEnoughSeats => $"That departure has only {Display.Seats(outcome.AvailableSeats)} free; this booking needs {outcome.SeatsNeeded}.",
        ChangeResult.NotEnoughRoom => $"That departure may carry only {outcome.AvailableSeats} more {Persons(outcome.AvailableSeats)}; this booking has {outcome.SeatsNeeded} (infants included).",
        ChangeResult.FareNotSold => "That departure does not sell every fare of this booking.",
        _ => "The departures are busy right now; please try again.",
    };

    public static string CheckIn(CheckInOutcome outcome, string? code, Func<DateTime, DateTime> local, Display display)
    {
        if (outcome.Booking is not { } b)
        {
            return outcome.Result == CheckInResult.Busy
                ? "The booking is busy right now; please try again."
                : $"No booking has the code \"{code?.Trim()}\".";
        }
        var trip = $"{b.BoatName} {display.ShortDateTime(local(b.DepartureTime))} to {b.Destination}";
        return outcome.Result switch
        {
            CheckInResult.Done or CheckInResult.NothingToChange when b.CheckedInAt is not null =>
                $"{b.ConfirmationCode} checked in: {b.FullName}, {Display.Seats(b.SeatsBooked)}, {trip}.",
            CheckInResult.Done or CheckInResult.NothingToChange => $"{b.ConfirmationCode} is no longer checked in.",
            CheckInResult.NotConfirmed => $"{b.ConfirmationCode} is {b.Status.Name()}: not checked in.",
            CheckInResult.OtherDeparture => $"{b.ConfirmationCode} is for {trip}, not this departure: not checked in.",
            _ => "The booking is busy right now; please try again.",
        };
    }

    public static string Boarding(BoardingOutcome outcome, Func<DateTime, DateTime> local, Display display)
    {
        var who = outcome.Passenger ?? (outcome.ConfirmationCode is { } code ? $"Passengers of {code}" : "The passenger");
        return outcome.Result switch
        {
            BoardingResult.Done => "Done.",
            BoardingResult.NothingToChange => "Nothing to change.",
            BoardingResult.NotFound => "No such booking or passenger on this departure: nothing changed.",
            BoardingResult.NotConfirmed => $"{outcome.ConfirmationCode} is not confirmed: nothing changed.",
            BoardingResult.OtherDeparture => $"{outcome.ConfirmationCode} is for another departure, not this one: nothing changed.",
            BoardingResult.NotDepartedYet =>
                $"{who} cannot be marked no-show before the departure time ({display.Time(local(outcome.DepartureTime!.Value))}): nothing changed.",
            BoardingResult.AlreadyCheckedIn => $"{who} is checked in: undo the check-in before marking a no-show.",
            _ => "The booking is busy right now; please try again.",
        };
    }
}
