using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Data.Till;
using Microsoft.AspNetCore.Mvc;

namespace JkBoats.Web.Pages.Staff.Till;

/// <summary>The till of one day on paper: totals per method, expected and counted cash, every payment, and the closes.</summary>
public sealed class CloseOutModel(TillRepository tills, StaffRepository staff, OperatorCalendar calendar) : TillPageModel(tills, staff, calendar)
{
    public async Task<IActionResult> OnGetAsync(string? day, string? agent, CancellationToken ct)
    {
        if (await LoadAsync(day, agent, ct) is { } refusal)
        {
            return refusal;
        }
        if (DayError is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
