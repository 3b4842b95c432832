using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Staff;
using JkBoats.Data.Till;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Till;

/// <summary>Whose till for which day: the signed-in member's own by default; another member's for admins only (403 for agents).</summary>
public abstract class TillPageModel(TillRepository tills, StaffRepository staff, OperatorCalendar calendar) : PageModel
{
    public DateOnly Day { get; private set; }

    public DateOnly Today => calendar.Today;

    public TillDay Till { get; private set; } = null!;

    /// <summary>The till's owner as the pages name them: their display name, else their email.</summary>
    public string OwnerName { get; private set; } = "";

    /// <summary>The owner's email when it is not the signed-in member's (kept in links and forms), else null.</summary>
    public string? Agent { get; private set; }

    public bool IsAdmin => User.IsInRole(StaffRoles.Admin);

    /// <summary>Why the day asked for was not understood (today's till is shown instead).</summary>
    public string? DayError { get; protected set; }

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    protected TillRepository Tills => tills;

    /// <summary>Null once the till is loaded; otherwise the answer to give (403 for another's till, 404 for nobody's).</summary>
    protected async Task<IActionResult?> LoadAsync(string? day, string? agent, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(day))
        {
            Day = calendar.Today;
        }
        else if (DateOnly.TryParseExact(day.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asked))
        {
            Day = asked;
        }
        else
        {
            Day = calendar.Today;
            DayError = "The day must be a date such as " + Display.Iso(calendar.Today) + "; today's till is shown.";
        }

        var me = User.Actor();
        if (string.IsNullOrWhiteSpace(agent) || string.Equals(agent.Trim(), me, StringComparison.OrdinalIgnoreCase))
        {
            OwnerName = User.Identity?.Name ?? me;
            Till = await tills.DayAsync(me, Day, ct);
            return null;
        }
        if (!IsAdmin)
        {
            return Forbid();
        }
        if (agent.Length > 254 || await staff.FindByEmailAsync(agent, ct) is not { } member)
        {
            return NotFound();
        }
        Agent = member.Email;
        OwnerName = member.DisplayName;
        Till = await tills.DayAsync(member.Email, Day, ct);
        return null;
    }

    /// <summary>"$5.00 short", "$2.50 over" or "exact": counted less expected.</summary>
    public static string Difference(decimal difference, Display display) => difference switch
    {
        < 0 => $"{display.Price(-difference)} short",
        > 0 => $"{display.Price(difference)} over",
        _ => "exact",
    };

    public static string DifferenceClass(decimal difference) => difference switch
    {
        < 0 => "text-red-800",
        > 0 => "text-amber-800",
        _ => "text-emerald-800",
    };
}
