using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using JkBoats.Data.Bookings;
using JkBoats.Data.Operator;

namespace JkBoats.Web.Email;

/// <summary>A booking as an iCalendar file (RFC 5545, written by Ical.Net): the departure with the pier, the arrival time and the
/// manage link, for "Add to calendar" on the confirmation page and attached to the confirmation and move emails. The UID is the
/// booking's, so a moved booking's file updates the same calendar entry instead of adding a second one.</summary>
public static class BookingCalendar
{
    public const string ContentType = "text/calendar";

    /// <summary>How long the calendar entry lasts: the trip's length is not known, an hour keeps the day readable.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(1);

    public static string FileName(BookingConfirmation booking) => $"jkboats-{booking.ConfirmationCode}.ics";

    public static byte[] For(BookingConfirmation booking, OperatorDetails company, Uri manageUrl, string domain)
    {
        var start = DateTime.SpecifyKind(booking.DepartureTime, DateTimeKind.Utc);
        var trip = new CalendarEvent
        {
            Uid = $"{booking.BookingId:N}@{domain}",
            Summary = $"Boat trip to {booking.Destination} ({booking.ConfirmationCode})",
            Location = company.PierAddress,
            Start = new CalDateTime(start, "UTC"),
            End = new CalDateTime(start + Length, "UTC"),
            Description = new StringBuilder()
                .AppendLine($"{company.Name}, {booking.BoatName}. Confirmation code {booking.ConfirmationCode}.")
                .AppendLine($"Be at the pier {(int)company.ArriveBefore.TotalMinutes} minutes before departure: {company.PierAddress}.")
                .AppendLine($"Desk: {company.Phone}, {company.Email}.")
                .Append($"Your booking: {manageUrl.AbsoluteUri}")
                .ToString(),
        };
        var calendar = new Calendar { Method = "PUBLISH" };
        calendar.Events.Add(trip);
        return Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar) ?? "");
    }
}
