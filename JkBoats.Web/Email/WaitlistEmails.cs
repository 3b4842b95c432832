using System.Text.Encodings.Web;
using JkBoats.Data;
using JkBoats.Data.Email;
using JkBoats.Data.Operator;
using JkBoats.Data.Waitlist;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JkBoats.Web.Email;

/// <summary>The offer email of a waiting-list entry: which seats are held, until when, and the link to confirm or decline.</summary>
public sealed class WaitlistEmails(
    WaitlistRepository waitlist, ManageLinks links, OperatorCalendar calendar, OperatorRepository operatorDetails, IOptions<EmailOptions> options, Display display)
{
    public async Task<MimeMessage> BuildOfferAsync(ClaimedEmail email, CancellationToken ct)
    {
        var entry = (email.WaitlistEntryId is { } id ? await waitlist.GetAsync(id, ct) : null)
            ?? throw new UnsendableEmailException("The waiting-list entry no longer exists");
        var company = await operatorDetails.CurrentAsync(ct);
        var url = (await links.WaitlistUrlForAsync(entry.Id, ct)).AbsoluteUri;
        var departs = display.DayAndTime(calendar.ToLocal(entry.DepartureTime));
        var until = entry.HoldExpiresAt is { } expires ? display.DayAndTime(calendar.ToLocal(expires)) : "soon";
        var settings = options.Value;
        var message = new MimeMessage
        {
            MessageId = BookingEmails.MessageIdFor(email.Id, settings.From),
            Subject = $"Seats held for you: {entry.Destination}, {departs} (confirm by {until})",
            Date = DateTimeOffset.UtcNow,
        };
        message.From.Add(new MailboxAddress(settings.FromName, settings.From));
        message.To.Add(new MailboxAddress(entry.FullName, email.Recipient));
        var text = string.Join("\n", [
            $"Hello {entry.FullName},",
            "",
            $"seats have freed up on the departure you are waiting for, and we are holding them for you until {until}:",
            "",
            $"Destination:  {entry.Destination}",
            $"Departure:    {departs}",
            $"Boat:         {entry.BoatName}",
            $"Party:        {entry.Party}",
            "",
            $"Confirm your booking (or let the seats go) here: {url}",
            "",
            $"If you do nothing, the seats pass to the next person on the list at {until}. You pay at the pier, as with any booking.",
            "",
            company.Name,
            $"Desk: {company.Phone} · {company.Email} · {company.OpeningHours}",
            $"Pier: {company.PierAddress}",
        ]);
        var e = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Seats held for you</title></head>
            <body style="font-family: Arial, sans-serif; color: #0f172a; line-height: 1.5;">
            <h1 style="font-size: 22px;">Seats are held for you</h1>
            <p>Hello {e.Encode(entry.FullName)},</p>
            <p>seats have freed up on the departure you are waiting for, and we are holding them for you until <strong id="hold-until">{e.Encode(until)}</strong>.</p>
            <table role="presentation" style="border-collapse: collapse;">
            <tr><td style="padding: 2px 12px 2px 0; color: #475569;">Destination</td><td><strong>{e.Encode(entry.Destination)}</strong></td></tr>
            <tr><td style="padding: 2px 12px 2px 0; color: #475569;">Departure</td><td><strong>{e.Encode(departs)}</strong></td></tr>
            <tr><td style="padding: 2px 12px 2px 0; color: #475569;">Boat</td><td>{e.Encode(entry.BoatName)}</td></tr>
            <tr><td style="padding: 2px 12px 2px 0; color: #475569;">Party</td><td>{e.Encode(entry.Party ?? "")}</td></tr>
            </table>
            <p><a id="offer-link" href="{e.Encode(url)}" style="display: inline-block; background: #0f4c81; color: #fff; padding: 12px 18px; border-radius: 8px; font-weight: bold; text-decoration: none;">Confirm my booking</a></p>
            <p>If you do nothing, the seats pass to the next person on the list at {e.Encode(until)}. You pay at the pier, as with any booking.</p>
            <p style="color: #475569; font-size: 14px;">{e.Encode(company.Name)} · Desk {e.Encode(company.Phone)} · {e.Encode(company.Email)} · {e.Encode(company.OpeningHours)}<br>{e.Encode(company.PierAddress)}</p>
            </body></html>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
