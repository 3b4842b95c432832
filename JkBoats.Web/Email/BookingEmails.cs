using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Operator;
using JkBoats.Web.Email.Templates;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JkBoats.Web.Email;

/// <summary>A message that can never be sent (its booking is gone, its kind unknown); retrying will not help.</summary>
public sealed class UnsendableEmailException(string reason) : Exception(reason);

public sealed class BookingEmails(
    BookingRepository bookings, ManageLinks manageLinks, OperatorCalendar calendar, EmailRenderer renderer,
    OperatorRepository operatorDetails, IOptions<EmailOptions> options, WaitlistEmails waitlistEmails)
{
    private sealed record Template(Func<BookingEmailModel, string> Subject, Type Html, Type Text);

    private static readonly Template Confirmed = new(
        b => $"Booking confirmed: {b.Code}, {b.Destination}, {b.Departure}", typeof(ConfirmedEmail), typeof(ConfirmedText));

    private static readonly Template Cancelled = new(
        b => $"Booking cancelled: {b.Code}, {b.Destination}, {b.Departure}", typeof(CancelledEmail), typeof(CancelledText));

    private static readonly Template Moved = new(
        b => $"Booking moved: {b.Code}, now {b.Destination}, {b.Departure}", typeof(MovedEmail), typeof(MovedText));

    public async Task<MimeMessage> BuildAsync(ClaimedEmail email, CancellationToken ct)
    {
        if (email.Kind == EmailKinds.WaitlistOffer)
        {
            return await waitlistEmails.BuildOfferAsync(email, ct);
        }
        var template = email.Kind switch
        {
            EmailKinds.BookingConfirmed => Confirmed,
            EmailKinds.BookingCancelled => Cancelled,
            EmailKinds.BookingMoved => Moved,
            _ => throw new UnsendableEmailException($"No template for email kind {email.Kind}"),
        };
        var booking = (email.BookingId is { } bookingId ? await bookings.GetAsync(bookingId, ct) : null)
            ?? throw new UnsendableEmailException("The booking no longer exists");
        var reason = email.Kind == EmailKinds.BookingCancelled ? await bookings.CancellationReasonAsync(booking.BookingId, ct) : null;
        var model = await ModelAsync(booking, reason, ct);

        var settings = options.Value;
        var message = new MimeMessage
        {
            MessageId = MessageIdFor(email.Id, settings.From),
            Subject = template.Subject(model),
            Date = DateTimeOffset.UtcNow,
        };
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(new MailboxAddress(booking.FullName, email.Recipient));
        message.Headers.Add("X-JkBoats-Booking", booking.ConfirmationCode);
        var body = new BodyBuilder
        {
            TextBody = await renderer.TextAsync(template.Text, model),
            HtmlBody = await renderer.HtmlAsync(template.Html, model),
        };
        if (email.Kind is EmailKinds.BookingConfirmed or EmailKinds.BookingMoved && booking.Status == BookingStatus.Confirmed)
        {
            // The trip for the customer's calendar; the same UID each time, so a move updates the entry it made.
            var ics = BookingCalendar.For(booking, model.Operator, new Uri(model.ManageUrl), DomainOf(settings.From));
            body.Attachments.Add(BookingCalendar.FileName(booking), ics, new ContentType("text", "calendar") { Charset = "utf-8" });
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>The same outbox row always yields the same Message-ID, so a resend is recognisably the same email.</summary>
    public static string MessageIdFor(Guid outboxId, string fromAddress) => $"{outboxId:N}@{DomainOf(fromAddress)}";

    public static string DomainOf(string fromAddress)
    {
        var at = fromAddress.LastIndexOf('@');
        return at >= 0 && at < fromAddress.Length - 1 ? fromAddress[(at + 1)..] : "jkboats.local";
    }

    private async Task<BookingEmailModel> ModelAsync(BookingConfirmation booking, string? reason, CancellationToken ct)
    {
        var departs = calendar.ToLocal(booking.DepartureTime);
        var company = await operatorDetails.CurrentAsync(ct);
        var arriveBefore = company.ArriveBefore;
        var invariant = CultureInfo.InvariantCulture;
        var manage = await manageLinks.UrlForAsync(booking.BookingId, ct);
        return new BookingEmailModel(
            Code: booking.ConfirmationCode,
            Name: booking.FullName,
            Boat: booking.BoatName,
            Destination: booking.Destination,
            Departure: departs.ToString("dddd d MMMM yyyy, HH:mm", invariant),
            TimeZone: calendar.TimeZone.Id,
            ArriveBy: (departs - arriveBefore).ToString("HH:mm", invariant),
            ArriveBefore: Display.Duration(arriveBefore),
            Seats: Display.Seats(booking.SeatsBooked),
            Total: Display.Price(booking.TotalPrice),
            ManageUrl: manage.AbsoluteUri,
            BookUrl: new Uri(manage, "/").AbsoluteUri,
            Reason: string.IsNullOrWhiteSpace(reason) ? "not given" : reason)
        {
            Operator = company,
            CancelledByCustomer = booking.Cancellation?.ByCustomer == true,
            Passengers = (booking.Passengers ?? [])
                .Select(p => $"{Display.PassengerName(p, booking.FullName)}, {p.FareName}{(p.TakesSeat ? "" : " (on a lap)")}, {Display.PriceOrFree(p.Price)}")
                .ToList(),
        };
    }
}
