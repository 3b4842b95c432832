using JkBoats.Data;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Data.Waitlist;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

/// <summary>A departure's waiting list for the desk: who waits (with phone numbers), who holds seats until when, and removing entries.</summary>
public sealed class WaitlistModel(DeskRepository desk, WaitlistRepository waitlist, SeatInventory inventory, OperatorCalendar calendar) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    public IReadOnlyList<WaitlistEntry> Entries { get; private set; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public DateTime Now => calendar.UtcNow;

    [TempData]
    public string? Flash { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, Guid entryId, CancellationToken ct)
    {
        var entry = await waitlist.GetAsync(entryId, ct);
        if (entry is null || entry.DepartureId != id)
        {
            return NotFound();
        }
        var outcome = await inventory.LeaveWaitlistAsync(entryId, User.Actor(), byCustomer: false, ct);
        Flash = outcome.Result switch
        {
            ChangeResult.Done => entry.Status == WaitlistStatus.Offered
                ? $"{entry.FullName} is off the list; the seats held for them passed to the next party that fits."
                : $"{entry.FullName} is off the list.",
            ChangeResult.NothingToChange => $"{entry.FullName} was no longer on the list; nothing changed.",
            _ => "The departure is busy right now; nothing changed. Please try again.",
        };
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        Entries = await waitlist.ForDepartureAsync(id, ct);
        return true;
    }
}
