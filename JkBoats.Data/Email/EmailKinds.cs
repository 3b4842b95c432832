namespace JkBoats.Data.Email;

public static class EmailKinds
{
    public const string BookingConfirmed = "booking_confirmed";
    public const string BookingCancelled = "booking_cancelled";
    public const string BookingMoved = "booking_moved";

    /// <summary>Passengers removed or names corrected through the manage link.</summary>
    public const string BookingChanged = "booking_changed";

    /// <summary>The day-before reminder; at most one per booking and departure time.</summary>
    public const string BookingReminder = "booking_reminder";

    /// <summary>The departure's time, boat or destination changed; the payload holds the old values.</summary>
    public const string DepartureChanged = "departure_changed";

    /// <summary>Seats held for a waiting-list entry (the row has a waitlist_entry_id and no booking_id).</summary>
    public const string WaitlistOffer = "waitlist_offer";

    /// <summary>A weather cancellation offering alternatives or a refund.</summary>
    public const string WeatherChoice = "weather_choice";
}
