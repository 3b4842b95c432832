using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JkBoats.Web.Email;

/// <summary>A message that can never be sent (its booking is gone, its kind unknown); retrying will not help.</summary>
public sealed class UnsendableEmailException(string reason) : Exception(reason);

/// <summary>Turns an outbox row into the message a customer receives, rendered from the booking as stored.</summary>
public sealed partial class BookingEmails(
    BookingRepository bookings, ManageLinks manageLinks, OperatorCalendar calendar, IOptions<EmailOptions> options)
{
    public static readonly TimeSpan ArriveBefore = TimeSpan.FromMinutes(15);

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public async Task<MimeMessage> BuildAsync(ClaimedEmail email, CancellationToken ct)
    {
        var template = email.Kind switch
        {
            EmailKinds.BookingConfirmed => Confirmed,
            EmailKinds.BookingCancelled => Cancelled,
            EmailKinds.BookingMoved => Moved,
            _ => throw new UnsendableEmailException($"No template for email kind {email.Kind}"),
        };
        var booking = await bookings.GetAsync(email.BookingId, ct)
            ?? throw new UnsendableEmailException("The booking no longer exists");
        var values = await ValuesAsync(booking, ct);
        if (email.Kind == EmailKinds.BookingCancelled)
        {
            var reason = await bookings.CancellationReasonAsync(booking.BookingId, ct);
            values["reason"] = string.IsNullOrWhiteSpace(reason) ? "not given" : reason;
        }

        var settings = options.Value;
        var message = new MimeMessage
        {
            MessageId = MessageIdFor(email.Id, settings.From),
            Subject = Fill(template.Subject, values, text => text),
            Date = DateTimeOffset.UtcNow,
        };
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(new MailboxAddress(booking.FullName, email.Recipient));
        message.Headers.Add("X-JkBoats-Booking", booking.ConfirmationCode);
        message.Body = new BodyBuilder
        {
            TextBody = Fill(template.Text, values, text => text),
            HtmlBody = Fill(template.Html, values, Html.Encode),
        }.ToMessageBody();
        return message;
    }

    /// <summary>The same outbox row always yields the same Message-ID, so a resend is recognisably the same email.</summary>
    public static string MessageIdFor(Guid outboxId, string fromAddress)
    {
        var at = fromAddress.LastIndexOf('@');
        var domain = at >= 0 && at < fromAddress.Length - 1 ? fromAddress[(at + 1)..] : "jkboats.local";
        return $"{outboxId:N}@{domain}";
    }

    private async Task<Dictionary<string, string>> ValuesAsync(BookingConfirmation booking, CancellationToken ct)
    {
        var departs = calendar.ToLocal(booking.DepartureTime);
        var invariant = CultureInfo.InvariantCulture;
        var manage = await manageLinks.UrlForAsync(booking.BookingId, ct);
        return new Dictionary<string, string>
        {
            ["code"] = booking.ConfirmationCode,
            ["name"] = booking.FullName,
            ["boat"] = booking.BoatName,
            ["destination"] = booking.Destination,
            ["departure"] = departs.ToString("dddd d MMMM yyyy, HH:mm", invariant),
            ["time_zone"] = calendar.TimeZone.Id,
            ["arrive_by"] = (departs - ArriveBefore).ToString("HH:mm", invariant),
            ["seats"] = Display.Seats(booking.SeatsBooked),
            ["total"] = Display.Price(booking.TotalPrice),
            ["manage_url"] = manage.AbsoluteUri,
            ["book_url"] = new Uri(manage, "/").AbsoluteUri,
        };
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(template, match => encode(values[match.Groups[1].Value]));

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();

    private sealed record Template(string Subject, string Text, string Html);

    private static readonly Template Confirmed = new(ConfirmationSubject, ConfirmationText, ConfirmationHtml);

    private static readonly Template Cancelled = new(CancelledSubject, CancelledText, CancelledHtml);

    private static readonly Template Moved = new(MovedSubject, MovedText, MovedHtml);

    private const string ConfirmationSubject = "Booking confirmed: {{code}}, {{destination}}, {{departure}}";

    private const string ConfirmationText = """
        Hello {{name}},

        your booking is confirmed. Show this code at the pier:

            {{code}}

        Boat:         {{boat}}
        Destination:  {{destination}}
        Departure:    {{departure}} ({{time_zone}} time)
        Seats:        {{seats}}
        Total:        {{total}} (pay at the desk or on boarding)

        When to arrive: please be at the pier by {{arrive_by}}, 15 minutes before departure.
        What to bring: this confirmation code (printed or on your phone), a photo ID for every passenger,
        water, sun protection and a warm layer for the crossing.

        View, print or show your booking: {{manage_url}}
        Keep this link to yourself: anyone who has it can see your booking.

        See you on board,
        JK Boats
        """;

    private const string ConfirmationHtml = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Booking confirmed: {{code}}</title></head>
        <body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
          <p>Hello {{name}},</p>
          <p>your booking is confirmed. Show this code at the pier:</p>
          <p id="confirmation-code" style="font-size: 28px; font-weight: bold; letter-spacing: 2px;">{{code}}</p>
          <table id="booking-details" style="border-collapse: collapse;">
            <tr><th align="left">Boat</th><td>{{boat}}</td></tr>
            <tr><th align="left">Destination</th><td>{{destination}}</td></tr>
            <tr><th align="left">Departure</th><td>{{departure}} ({{time_zone}} time)</td></tr>
            <tr><th align="left">Seats</th><td>{{seats}}</td></tr>
            <tr><th align="left">Total</th><td>{{total}} (pay at the desk or on boarding)</td></tr>
          </table>
          <h2 style="font-size: 18px;">When to arrive</h2>
          <p>Please be at the pier by <strong>{{arrive_by}}</strong>, 15 minutes before departure.</p>
          <h2 style="font-size: 18px;">What to bring</h2>
          <p>This confirmation code (printed or on your phone), a photo ID for every passenger, water, sun protection
          and a warm layer for the crossing.</p>
          <p><a id="manage-link" href="{{manage_url}}">View your booking</a><br>
          Keep this link to yourself: anyone who has it can see your booking.</p>
          <p>See you on board,<br>JK Boats</p>
        </body>
        </html>
        """;

    private const string CancelledSubject = "Booking cancelled: {{code}}, {{destination}}, {{departure}}";

    private const string CancelledText = """
        Hello {{name}},

        your booking {{code}} has been cancelled and its seats released. There is nothing to pay.

        Boat:         {{boat}}
        Destination:  {{destination}}
        Departure:    {{departure}} ({{time_zone}} time)
        Seats:        {{seats}}
        Reason:       {{reason}}

        If you did not ask for this, or would like another trip, reply to this email or book again: {{book_url}}
        Your booking as it stands now: {{manage_url}}

        JK Boats
        """;

    private const string CancelledHtml = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Booking cancelled: {{code}}</title></head>
        <body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
          <p>Hello {{name}},</p>
          <p>your booking <strong id="confirmation-code">{{code}}</strong> has been <strong>cancelled</strong> and its seats
          released. There is nothing to pay.</p>
          <table id="booking-details" style="border-collapse: collapse;">
            <tr><th align="left">Boat</th><td>{{boat}}</td></tr>
            <tr><th align="left">Destination</th><td>{{destination}}</td></tr>
            <tr><th align="left">Departure</th><td>{{departure}} ({{time_zone}} time)</td></tr>
            <tr><th align="left">Seats</th><td>{{seats}}</td></tr>
            <tr><th align="left">Reason</th><td id="cancellation-reason">{{reason}}</td></tr>
          </table>
          <p>If you did not ask for this, or would like another trip, reply to this email or
          <a id="book-link" href="{{book_url}}">book again</a>.</p>
          <p><a id="manage-link" href="{{manage_url}}">Your booking as it stands now</a></p>
          <p>JK Boats</p>
        </body>
        </html>
        """;

    private const string MovedSubject = "Booking moved: {{code}}, now {{destination}}, {{departure}}";

    private const string MovedText = """
        Hello {{name}},

        your booking {{code}} has been moved to another departure. Your code stays the same. Here is the new trip:

        Boat:         {{boat}}
        Destination:  {{destination}}
        Departure:    {{departure}} ({{time_zone}} time)
        Seats:        {{seats}}
        Total:        {{total}} (pay at the desk or on boarding)

        When to arrive: please be at the pier by {{arrive_by}}, 15 minutes before departure.
        If the new time does not suit you, contact the front desk with your code.

        View, print or show your booking: {{manage_url}}

        See you on board,
        JK Boats
        """;

    private const string MovedHtml = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Booking moved: {{code}}</title></head>
        <body style="font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;">
          <p>Hello {{name}},</p>
          <p>your booking has been <strong>moved to another departure</strong>. Your code stays the same:</p>
          <p id="confirmation-code" style="font-size: 28px; font-weight: bold; letter-spacing: 2px;">{{code}}</p>
          <table id="booking-details" style="border-collapse: collapse;">
            <tr><th align="left">Boat</th><td>{{boat}}</td></tr>
            <tr><th align="left">Destination</th><td>{{destination}}</td></tr>
            <tr><th align="left">Departure</th><td>{{departure}} ({{time_zone}} time)</td></tr>
            <tr><th align="left">Seats</th><td>{{seats}}</td></tr>
            <tr><th align="left">Total</th><td>{{total}} (pay at the desk or on boarding)</td></tr>
          </table>
          <p>Please be at the pier by <strong>{{arrive_by}}</strong>, 15 minutes before departure. If the new time does not
          suit you, contact the front desk with your code.</p>
          <p><a id="manage-link" href="{{manage_url}}">View your booking</a></p>
          <p>See you on board,<br>JK Boats</p>
        </body>
        </html>
        """;
}
