using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Departures;

/// <summary>Weather cancellation, in two steps (choose, then confirm what it affects): cancel every booking, move them all to one
/// departure with room, or let each passenger choose between departures the admin offers, with a deadline and a default.</summary>
public sealed class CancelModel(SeatInventory inventory, DeskRepository desk, DepartureRepository departures, OperatorCalendar calendar) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    /// <summary>Departures with room for everyone (the move-all option), the same destination first.</summary>
    public IReadOnlyList<DepartureListing> Targets { get; private set; } = [];

    /// <summary>Departures with any seats free, to offer in a choice, the same destination first.</summary>
    public IReadOnlyList<DepartureListing> Alternatives { get; private set; } = [];

    public string? Reason { get; private set; }

    /// <summary>"cancel", "move" or "choose".</summary>
    public string Mode { get; private set; } = "cancel";

    public Guid? MoveTo { get; private set; }

    public IReadOnlyList<Guid> Offered { get; private set; } = [];

    public string Deadline { get; private set; } = "";

    public string DefaultAction { get; private set; } = "cancel";

    /// <summary>Set once the choices are valid: the step that says what will happen and asks to confirm.</summary>
    public CancelImpact? Review { get; private set; }

    public List<string> Errors { get; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Deadline = InputValue(calendar.ToLocal(calendar.UtcNow).AddHours(3));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(
        Guid id, string? reason, string? mode, string[]? offered, string? deadline, string? defaultAction, bool reviewed,
        CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Reason = reason?.Trim();
        Mode = mode is "choose" ? mode : mode?.StartsWith("move:", StringComparison.Ordinal) == true ? "move" : "cancel";
        DefaultAction = defaultAction == "move" ? "move" : "cancel";
        Deadline = deadline?.Trim() ?? "";
        if (mode is not ("cancel" or "choose") && mode?.StartsWith("move:", StringComparison.Ordinal) != true)
        {
            Errors.Add("Choose what happens to the bookings: passengers choose, cancel them all, or move them all to one departure.");
        }
        if (string.IsNullOrEmpty(Reason) || Reason.Length > 500 || !PlainText.IsClean(Reason))
        {
            Errors.Add("Give a reason (up to 500 characters, no invisible or direction characters); customers will see it.");
        }
        if (Mode == "move")
        {
            if (Guid.TryParse(mode!["move:".Length..], out var target))
            {
                MoveTo = target;
            }
            else
            {
                Errors.Add("Pick the departure to move everyone to. Nothing was changed.");
            }
        }
        DateTime deadlineUtc = default;
        if (Mode == "choose")
        {
            var picked = new List<Guid>();
            foreach (var value in offered ?? [])
            {
                if (!Guid.TryParse(value, out var alternative))
                {
                    Errors.Add("Pick the departures to offer from the list. Nothing was changed.");
                    break;
                }
                picked.Add(alternative);
            }
            Offered = picked.Distinct().ToList();
            if (Offered.Count == 0)
            {
                Errors.Add("Tick at least one departure to offer passengers instead.");
            }
            if (!DateTime.TryParseExact(Deadline, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var localDeadline))
            {
                Errors.Add("Give the deadline for choosing as a date and time.");
            }
            else
            {
                deadlineUtc = calendar.LocalToUtc(localDeadline);
                if (deadlineUtc <= calendar.UtcNow.AddMinutes(5))
                {
                    Errors.Add("The deadline for choosing must be at least 5 minutes from now.");
                }
            }
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!reviewed)
        {
            Review = await desk.CancelImpactAsync(id, ct);
            return Page();
        }
        return Mode == "choose" ? await StartChoiceAsync(id, deadlineUtc, ct) : await CancelAllAsync(id, ct);
    }

    private async Task<IActionResult> StartChoiceAsync(Guid id, DateTime deadlineUtc, CancellationToken ct)
    {
        var outcome = await inventory.StartWeatherChoiceAsync(new WeatherPlanRequest(
            id, Reason!, Offered, deadlineUtc, DefaultAction == "move" ? WeatherDefault.Move : WeatherDefault.Cancel, User.Actor()), ct);
        if (outcome.Result == WeatherPlanResult.Done)
        {
            TempData["Flash"] = $"Departure cancelled: {outcome.Bookings} bookings ({outcome.Passengers} passengers) asked to choose, {outcome.Emails} emails on their way.";
            return RedirectToPage("/Staff/Departures/Weather", new { id });
        }
        return await RefusedAsync(id, outcome.Result switch
        {
            WeatherPlanResult.AlreadyCancelled => "This departure is already cancelled.",
            WeatherPlanResult.AlternativeNotBookable or WeatherPlanResult.NoAlternatives => "One of the offered departures no longer takes bookings. Nothing was changed; pick again.",
            WeatherPlanResult.DeadlineInvalid => "The deadline for choosing has passed. Nothing was changed.",
            _ => Busy,
        }, ct);
    }

    private async Task<IActionResult> CancelAllAsync(Guid id, CancellationToken ct)
    {
        var (outcome, _) = await inventory.CancelDepartureAsync(id, Reason!, MoveTo, User.Actor(), ct);
        if (outcome.Result == ScheduleResult.Done)
        {
            TempData["Flash"] = MoveTo is null
                ? $"Departure cancelled: {outcome.Count} bookings cancelled, {outcome.Booked} seats released."
                : $"Departure cancelled: {outcome.Count} bookings ({outcome.Booked} seats) moved.";
            return RedirectToPage("/Staff/Departures/Manifest", new { id });
        }
        return await RefusedAsync(id, outcome.Result switch
        {
            ScheduleResult.NothingToChange => "This departure is already cancelled.",
            ScheduleResult.TargetTooSmall => $"That departure has only {outcome.NewCapacity} seats free; {outcome.Booked} are needed. Nothing was changed.",
            ScheduleResult.TargetNotBookable => "That departure cannot take bookings any more. Nothing was changed.",
            ScheduleResult.PersonsTooMany =>
                $"That departure may carry only {outcome.NewCapacity} more persons; {outcome.Booked} are booked here (infants included). Nothing was changed.",
            ScheduleResult.FareNotSold => "That departure does not sell every fare booked here (set its prices first). Nothing was changed.",
            _ => Busy,
        }, ct);
    }

    private const string Busy = "The departures are busy right now; please try again. Nothing was changed.";

    /// <summary>The inventory refused: say why, with the departures as they are now.</summary>
    private async Task<IActionResult> RefusedAsync(Guid id, string error, CancellationToken ct)
    {
        Errors.Add(error);
        Response.StatusCode = StatusCodes.Status409Conflict;
        await LoadAsync(id, ct);
        return Page();
    }

    public static string InputValue(DateTime local) => local.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        var now = calendar.UtcNow;
        var candidates = (await departures.SearchAsync(new DepartureSearch(null, now, now.AddDays(7), 200), ct, ReadFrom.Primary))
            .Where(d => d.DepartureId != id && d.AvailableSeats > 0)
            .OrderBy(d => string.Equals(d.Destination, departure.Destination, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(d => d.DepartureTime)
            .ToList();
        Targets = candidates.Where(d => d.AvailableSeats >= departure.SoldSeats).Take(20).ToList();
        Alternatives = candidates.Take(20).ToList();
        return true;
    }
}
