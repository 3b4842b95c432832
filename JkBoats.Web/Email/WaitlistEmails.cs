using JkBoats.Data;
using JkBoats.Data.Email;
using JkBoats.Data.Operator;
using JkBoats.Data.Waitlist;
using JkBoats.Web.Email.Templates;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JkBoats.Web.Email;

/// <summary>The offer email of a waiting-list entry, in the language the entry was made in: which seats are held, until when, and
/// the link to confirm or decline.</summary>
public sealed class WaitlistEmails(
    WaitlistRepository waitlist, ManageLinks links, OperatorCalendar calendar, OperatorRepository operatorDetails, IOptions<EmailOptions> options,
    Display display, EmailRenderer renderer, JkBoats.Data.Content.ContentRepository content)
{
    public async Task<MimeMessage> BuildOfferAsync(ClaimedEmail email, CancellationToken ct)
    {
        var entry = (email.WaitlistEntryId is { } id ? await waitlist.GetAsync(id, ct) : null)
            ?? throw new UnsendableEmailException("The waiting-list entry no longer exists");
        using var language = EmailLanguage.Use(entry.Language);
        // The operator's texts (the destination's name, the desk's hours and policy) in the entry's language, else the default's.
        var company = await operatorDetails.CurrentAsync(entry.Language, ct);
        var destination = (await content.ForAsync(entry.Language, ct)).Destination(entry.Destination);
        var url = (await links.WaitlistUrlForAsync(entry.Id, ct)).AbsoluteUri;
        var departs = display.DayAndTime(calendar.ToLocal(entry.DepartureTime));
        var until = entry.HoldExpiresAt is { } expires ? display.DayAndTime(calendar.ToLocal(expires)) : SiteText.T("soon");
        var offer = new WaitlistOfferModel(entry.FullName, destination, departs, entry.BoatName, entry.Party ?? "", until, url, company);
        var settings = options.Value;
        var message = new MimeMessage
        {
            MessageId = BookingEmails.MessageIdFor(email.Id, settings.From),
            Subject = SiteText.T("Seats held for you: {0}, {1} (confirm by {2})", destination, departs, until),
            Date = DateTimeOffset.UtcNow,
        };
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(new MailboxAddress(entry.FullName, email.Recipient));
        message.Body = new BodyBuilder
        {
            TextBody = await renderer.TextAsync(typeof(WaitlistOfferText), offer),
            HtmlBody = await renderer.HtmlAsync(typeof(WaitlistOfferEmail), offer),
        }.ToMessageBody();
        return message;
    }
}
