using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using JkBoats.Data.Bookings;
using JkBoats.Data.Operator;
using JkBoats.Web.Infrastructure;

namespace JkBoats.Web.Email;

/// <summary>A booking as an iCalendar file (RFC 5545, written by Ical.Net): the departure with the pier, the arrival time and the
/// manage link, for "Add to calendar" on the confirmation page and attached to the confirmation and move emails. The UID is the
/// booking's, so a moved booking's file updates the same calendar entry instead of adding a second one. Its words are in the current
/// UI language: the visitor's on the confirmation page, the booking's in an email.</summary>
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
            Summary = SiteText.T("Boat trip to {0} ({1})", booking.Destination, booking.ConfirmationCode),
            Location = company.PierAddress,
            Start = new CalDateTime(start, "UTC"),
            End = new CalDateTime(start + Length, "UTC"),
            Description = new StringBuilder()
                .AppendLine(SiteText.T("{0}, {1}. Confirmation code {2}.", company.Name, booking.BoatName, booking.ConfirmationCode))
                .AppendLine(SiteText.T("Be at the pier {0} minutes before departure: {1}.", (int)company.ArriveBefore.TotalMinutes, company.PierAddress))
                .AppendLine(SiteText.T("Desk: {0}, {1}.", company.Phone, company.Email))
                .Append(SiteText.T("Your booking: {0}", manageUrl.AbsoluteUri))
                .ToString(),
        };
        var calendar = new Calendar { Method = "PUBLISH" };
        calendar.Events.Add(trip);
        return Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar) ?? "");
    }
}
