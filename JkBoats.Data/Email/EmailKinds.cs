namespace JkBoats.Data.Email;

public static class EmailKinds
{
    public const string BookingConfirmed = "booking_confirmed";
    public const string BookingCancelled = "booking_cancelled";
    public const string BookingMoved = "booking_moved";
}
