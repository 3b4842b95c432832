using System.Globalization;

namespace JkBoats.Web.Pages.Shared;

public static class Display
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public static string Price(decimal amount) => amount.ToString("C", Culture);

    public static string Time(DateTime local) => local.ToString("HH:mm", Culture);

    /// <summary>The one way the site writes a day ("Saturday 5 December"), alone, in a range or before a time.</summary>
    private const string DayFormat = "dddd d MMMM";

    public static string Day(DateTime local) => local.ToString(DayFormat, Culture);

    public static string LongDay(DateOnly day) => day.ToString(DayFormat, Culture);

    public static string ShortDay(DateOnly day) => day.ToString(DayFormat, Culture);

    public static string DayAndTime(DateTime local) => local.ToString(DayFormat + ", HH:mm", Culture);

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } when span.TotalDays % 1 == 0 => $"{span.TotalDays:0} days",
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => span.TotalHours == 1 ? "1 hour" : $"{span.TotalHours:0} hours",
        _ => $"{Math.Round(span.TotalMinutes):0} minutes",
    };

    /// <summary>A booking's balance in one phrase for staff: "Owes $20.00", "Paid in full", "Refund due $50.00", "Nothing to pay".</summary>
    public static string Balance(JkBoats.Data.Payments.Balance balance) => balance switch
    {
        { Owed: > 0 } => $"Owes {Price(balance.Owed)}",
        { RefundDue: > 0 } => $"Refund due {Price(balance.RefundDue)}",
        { Due: 0, Net: 0 } => "Nothing to pay",
        _ => "Paid in full",
    };

    /// <summary>The same phrase for the customer: what is left to pay at the pier, paid, or owed back to them.</summary>
    public static string CustomerBalance(JkBoats.Data.Payments.Balance balance) => balance switch
    {
        { Owed: > 0, Net: 0 } => $"To pay at the desk or on boarding: {Price(balance.Owed)}",
        { Owed: > 0 } => $"Paid {Price(balance.Net)}; still to pay: {Price(balance.Owed)}",
        { RefundDue: > 0 } => $"Refund due to you: {Price(balance.RefundDue)}",
        { Due: 0, Net: 0, Refunded: > 0 } => $"Nothing to pay; {Price(balance.Refunded)} refunded",
        { Due: 0, Net: 0 } => "Nothing to pay",
        _ => $"Paid in full ({Price(balance.Net)})",
    };

    public static string Seats(int count) => count == 1 ? "1 seat" : $"{count} seats";

    /// <summary>"Adult × 2, Child × 1, Infant × 1": a booking's passengers counted per fare, in the fares' order, without names.</summary>
    public static string FareCounts(IEnumerable<JkBoats.Data.Bookings.BookedPassenger> passengers) =>
        string.Join(", ", passengers.GroupBy(p => p.FareName).Select(g => $"{g.Key} × {g.Count()}"));

    /// <summary>A passenger's name, or where it was left out the booker's for the lead and "Passenger N" for the others.</summary>
    public static string PassengerName(JkBoats.Data.Bookings.BookedPassenger passenger, string leadName) =>
        passenger.FullName ?? (passenger.Position == 1 ? leadName : $"Passenger {passenger.Position}");

    public static string PriceOrFree(decimal amount) => amount == 0 ? "Free" : Price(amount);

    public const int FewSeats = 5;

    public static string SeatsLeft(int available) => available switch
    {
        <= 0 => "Sold out",
        <= FewSeats => $"Only {available} left",
        _ => $"{available} seats left",
    };

    /// <summary>Enough of an email address for its owner to recognise it, not enough to harvest it.</summary>
    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? "your email address" : $"{email[0]}•••{email[at..]}";
    }
}
