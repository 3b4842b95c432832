using JkBoats.Data;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Operator;
using JkBoats.Data.Waitlist;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace JkBoats.Web.Pages.Waitlist;

/// <summary>The page behind a waiting-list link: the place in the queue, an offer to confirm before its hold runs out, or leaving.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class EntryModel(
    ManageLinks links, WaitlistRepository waitlist, SeatInventory inventory, OperatorCalendar calendar, OperatorRepository operatorDetails, Display display,
    JkBoats.Data.Content.ContentRepository content)
    : PageModel
{
    public WaitlistEntry Entry { get; private set; } = null!;

    public OperatorDetails Operator { get; private set; } = null!;

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    /// <summary>An offer still open: its hold has not run out (the sweeper may not have passed it on yet).</summary>
    public bool OfferOpen => Entry.Status == WaitlistStatus.Offered && Entry.HoldExpiresAt > calendar.UtcNow;

    [TempData]
    public string? Notice { get; set; }

    public string? Problem { get; private set; }

    public bool Joined { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, bool joined, CancellationToken ct)
    {
        Joined = joined;
        return await LoadAsync(token, ct) ? Page() : NotFound();
    }

    [EnableRateLimiting(Security.BookingRateLimit)]
    public async Task<IActionResult> OnPostConfirmAsync(string token, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        var outcome = await inventory.ClaimOfferAsync(Entry.Id, ct);
        switch (outcome.Result)
        {
            case OfferClaimResult.Booked or OfferClaimResult.AlreadyBooked:
                return this.SeeOther($"{ManageLinks.PathPrefix}{await links.TokenForAsync(outcome.BookingId!.Value, ct)}");
            case OfferClaimResult.Expired:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("Sorry, this offer ran out at {0} and the seats passed to the next person on the list. Nothing was booked. You are welcome to join the list again or choose another departure.",
                    display.DayAndTime(Local(outcome.HoldExpiredAt ?? calendar.UtcNow)));
                break;
            case OfferClaimResult.NotOffered:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("No seats have been offered to you yet; you are still on the list. We email you as soon as seats are held for you.");
                break;
            case OfferClaimResult.Removed:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("This entry is no longer on the waiting list, so there is nothing to confirm.");
                break;
            case OfferClaimResult.CannotBook:
                Response.StatusCode = StatusCodes.Status409Conflict;
                Problem = SiteText.T("This departure can no longer be booked online (it is about to leave, was cancelled or changed its tickets). Nothing was booked; please contact the desk.");
                break;
            case OfferClaimResult.NotFound:
                return NotFound();
            default:
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Response.Headers.RetryAfter = "2";
                Problem = SiteText.T("We are very busy right now and could not confirm. Your seats are still held; please try again in a moment.");
                break;
        }
        await LoadAsync(token, ct);
        return Page();
    }

    [EnableRateLimiting(Security.BookingRateLimit)]
    public async Task<IActionResult> OnPostLeaveAsync(string token, CancellationToken ct)
    {
        if (!await LoadAsync(token, ct))
        {
            return NotFound();
        }
        var outcome = await inventory.LeaveWaitlistAsync(Entry.Id, Entry.Email, byCustomer: true, ct);
        if (outcome.Result == ChangeResult.Busy)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "2";
            Problem = SiteText.T("We are very busy right now; nothing has changed. Please try again in a moment.");
            return Page();
        }
        Notice = outcome.Result == ChangeResult.Done ? SiteText.T("You have left the waiting list.") : SiteText.T("This entry was no longer on the list; nothing changed.");
        return this.SeeOther(Request.Path);
    }

    private async Task<bool> LoadAsync(string token, CancellationToken ct)
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers["X-Robots-Tag"] = "noindex";
        var id = await links.ReadWaitlistTokenAsync(token, ct);
        var entry = id is { } entryId ? await waitlist.GetAsync(entryId, ct) : null;
        if (entry is null)
        {
            return false;
        }
        Entry = entry with { Destination = (await content.ForAsync(Languages.Current, ct)).Destination(entry.Destination) };
        Operator = await operatorDetails.CurrentAsync(Languages.Current, ct);
        return true;
    }
}
