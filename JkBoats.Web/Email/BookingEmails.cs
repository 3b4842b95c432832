using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Operator;
using JkBoats.Data.Payments;
using JkBoats.Web.Email.Templates;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JkBoats.Web.Email;

/// <summary>A message that can never be sent (its booking is gone, its kind unknown); retrying will not help.</summary>
public sealed class UnsendableEmailException(string reason) : Exception(reason);

public sealed class BookingEmails(
    BookingRepository bookings, ManageLinks manageLinks, OperatorCalendar calendar, EmailRenderer renderer,
    OperatorRepository operatorDetails, IOptions<EmailOptions> options, WaitlistEmails waitlistEmails, PaymentRepository payments, Display display,
    JkBoats.Data.Content.ContentRepository content)
{
    /// <param name="Ticket">The email carries the booking as a ticket (QR code and calendar file) while it is confirmed.</param>
    private sealed record Template(Func<BookingEmailModel, string> Subject, Type Html, Type Text, bool Ticket = true);

    private static readonly IReadOnlyDictionary<string, Template> Templates = new Dictionary<string, Template>
    {
        [EmailKinds.BookingConfirmed] = new(b => SiteText.T("Booking confirmed: {0}, {1}, {2}", b.Code, b.Destination, b.Departure), typeof(ConfirmedEmail), typeof(ConfirmedText)),
        [EmailKinds.BookingCancelled] = new(b => SiteText.T("Booking cancelled: {0}, {1}, {2}", b.Code, b.Destination, b.Departure), typeof(CancelledEmail), typeof(CancelledText), Ticket: false),
        [EmailKinds.BookingMoved] = new(b => SiteText.T("Booking moved: {0}, now {1}, {2}", b.Code, b.Destination, b.Departure), typeof(MovedEmail), typeof(MovedText)),
        [EmailKinds.BookingChanged] = new(b => SiteText.T("Booking changed: {0}, {1}, {2}", b.Code, b.Destination, b.Departure), typeof(ChangedEmail), typeof(ChangedText)),
        [EmailKinds.BookingReminder] = new(b => SiteText.T("Reminder: {0}, {1}, {2}", b.Code, b.Destination, b.Departure), typeof(ReminderEmail), typeof(ReminderText)),
        [EmailKinds.WeatherChoice] = new(b => SiteText.T("Departure cancelled, please choose: {0}, {1}, {2}", b.Code, b.Destination, b.Departure),
            typeof(WeatherChoiceEmail), typeof(WeatherChoiceText), Ticket: false),
        [EmailKinds.DepartureChanged] = new(b => SiteText.T("Departure changed: {0}, {1}, now {2}", b.Code, b.Destination, b.Departure), typeof(DepartureChangedEmail), typeof(DepartureChangedText)),
    };

    /// <summary>Names the outbox kind on every message built here, the booking emails' and the waiting-list offer's alike.</summary>
    public const string KindHeader = "X-JkBoats-Email";

    public async Task<MimeMessage> BuildAsync(ClaimedEmail email, CancellationToken ct)
    {
        if (email.Kind == EmailKinds.WaitlistOffer)
        {
            var offer = await waitlistEmails.BuildOfferAsync(email, ct);
            offer.Headers.Add(KindHeader, email.Kind);
            return offer;
        }
        var template = Templates.GetValueOrDefault(email.Kind) ?? throw new UnsendableEmailException($"No template for email kind {email.Kind}");
        var booking = (email.BookingId is { } bookingId ? await bookings.GetAsync(bookingId, ct) : null)
            ?? throw new UnsendableEmailException("The booking no longer exists");
        // Everything written from here on (texts, days, money, the calendar file) is in the booking's language,
        // the operator's texts too, falling back to the default language's.
        using var language = EmailLanguage.Use(booking.Language);
        booking = (await content.ForAsync(JkBoats.Web.Infrastructure.Languages.Current, ct)).Apply(booking);
        var changes = email.Kind switch
        {
            EmailKinds.BookingReminder => StillDue(booking, OutboxPayload.Read<ReminderPayload>(email.Payload)),
            EmailKinds.DepartureChanged => ChangesFor(booking, OutboxPayload.Read<DepartureChangedPayload>(email.Payload)),
            _ => [],
        };
        var weather = email.Kind == EmailKinds.WeatherChoice ? OutboxPayload.Read<WeatherChoicePayload>(email.Payload) : null;
        var reason = email.Kind == EmailKinds.BookingCancelled ? await bookings.CancellationReasonAsync(booking.BookingId, ct) : weather?.Reason;
        var settings = options.Value;
        var domain = DomainOf(settings.From);
        var ticket = template.Ticket && booking.Status == BookingStatus.Confirmed;
        var model = await ModelAsync(booking, reason, ct) with
        {
            // Derived from the outbox row, like the Message-ID, so building the row again gives the same HTML.
            QrContentId = ticket ? $"qr-{email.Id:N}@{domain}" : null,
            Changes = changes,
            ChooseBy = weather is null ? null : display.DayAndTime(calendar.ToLocal(weather.DeadlineUtc)),
            DefaultAction = weather?.DefaultAction,
        };
        if (weather is not null && booking.Status == BookingStatus.Confirmed)
        {
            model = model with { State = SiteText.T("Departure cancelled: waiting for your choice") };
        }

        var message = new MimeMessage
        {
            MessageId = MessageIdFor(email.Id, settings.From),
            Subject = template.Subject(model),
            Date = DateTimeOffset.UtcNow,
        };
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(new MailboxAddress(booking.FullName, email.Recipient));
        message.Headers.Add("X-JkBoats-Booking", booking.ConfirmationCode);
        message.Headers.Add(KindHeader, email.Kind);
        var body = new BodyBuilder
        {
            TextBody = await renderer.TextAsync(template.Text, model),
            HtmlBody = await renderer.HtmlAsync(template.Html, model),
        };
        if (model.QrContentId is { } qr)
        {
            // Inline (multipart/related), referenced from the HTML by cid: shown without loading anything from the web.
            var image = body.LinkedResources.Add($"{booking.ConfirmationCode}-qr.png", TicketQr.Png(booking.ConfirmationCode), ContentType.Parse(TicketQr.MediaType));
            image.ContentId = qr;
            // The trip for the customer's calendar; the same UID each time, so a move or a changed departure updates the entry it made.
            var ics = BookingCalendar.For(booking, model.Operator, new Uri(model.ManageUrl), domain);
            body.Attachments.Add(BookingCalendar.FileName(booking), ics, new ContentType("text", "calendar") { Charset = "utf-8" });
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>A reminder is about one departure time of a confirmed booking that has not left yet; otherwise it is out of date (the
    /// booking was cancelled or moved; a moved booking gets a reminder of its own for its new time).</summary>
    private IReadOnlyList<ChangedValue> StillDue(BookingConfirmation booking, ReminderPayload? reminder)
    {
        if (reminder is null || booking.Status != BookingStatus.Confirmed || booking.DepartureTime != reminder.DepartureTime
            || booking.DepartureTime <= calendar.UtcNow)
        {
            throw new UnsendableEmailException("The reminder is out of date: the booking was cancelled or moved, or its departure has left");
        }
        return [];
    }

    private IReadOnlyList<ChangedValue> ChangesFor(BookingConfirmation booking, DepartureChangedPayload? change)
    {
        if (change is null || booking.Status != BookingStatus.Confirmed || booking.DepartureId != change.DepartureId)
        {
            throw new UnsendableEmailException("The departure change is out of date: the booking was cancelled or moved off that departure");
        }
        var (old, now) = (change.Old, change.New);
        return new[]
        {
            new ChangedValue("Departure", display.DayAndTime(calendar.ToLocal(old.DepartureTime)), display.DayAndTime(calendar.ToLocal(now.DepartureTime))),
            new ChangedValue("Boat", old.BoatName, now.BoatName),
            new ChangedValue("Destination", old.Destination, now.Destination),
        }.Where(value => value.Old != value.New).ToList();
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
        var company = await operatorDetails.CurrentAsync(JkBoats.Web.Infrastructure.Languages.Current, ct);
        var arriveBefore = company.ArriveBefore;
        var manage = await manageLinks.UrlForAsync(booking.BookingId, ct);
        var balance = await payments.BalanceAsync(booking.BookingId, ct);
        return new BookingEmailModel(
            Code: booking.ConfirmationCode,
            Name: booking.FullName,
            Boat: booking.BoatName,
            Destination: booking.Destination,
            Departure: display.DayAndTime(departs),
            ArriveBy: display.Time(departs - arriveBefore),
            ArriveBefore: Display.Duration(arriveBefore),
            Seats: Display.Seats(booking.SeatsBooked),
            Total: display.Price(booking.TotalPrice),
            ManageUrl: manage.AbsoluteUri,
            BookUrl: new Uri(manage, "/").AbsoluteUri,
            Reason: booking.Cancellation?.ByCustomer == true ? SiteText.T("Cancelled by the customer online")
                : string.IsNullOrWhiteSpace(reason) ? SiteText.T("not given") : reason)
        {
            Operator = company,
            Payment = balance is null ? SiteText.T("pay at the desk or on boarding") : display.CustomerBalance(balance),
            State = booking.Status == BookingStatus.Confirmed ? SiteText.T("Confirmed") : SiteText.T("Cancelled"),
            CancelledByCustomer = booking.Cancellation?.ByCustomer == true,
            Passengers = (booking.Passengers ?? [])
                .Select(p => $"{Display.PassengerName(p, booking.FullName)}, {(p.TakesSeat ? p.FareName : SiteText.T("{0} (on a lap)", p.FareName))}, {display.PriceOrFree(p.Price)}")
                .ToList(),
        };
    }
}
