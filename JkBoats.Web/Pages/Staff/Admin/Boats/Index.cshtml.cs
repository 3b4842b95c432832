using JkBoats.Data;
using JkBoats.Data.Schedule;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Boats;

public sealed class IndexModel(ScheduleRepository schedule) : PageModel
{
    public const int MaxCapacity = 1000;

    public IReadOnlyList<BoatRow> Boats { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Boats = await schedule.ListBoatsAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, int? capacity, int? maxPersons, bool hasAc, CancellationToken ct)
    {
        if (!Validate(ref name, capacity, maxPersons))
        {
            return await ShowAsync(ct);
        }
        await schedule.CreateBoatAsync(name!, capacity!.Value, maxPersons ?? capacity.Value, hasAc, ct);
        TempData["Flash"] = $"{name} added.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, string? name, int? capacity, int? maxPersons, bool hasAc, CancellationToken ct)
    {
        if (!Validate(ref name, capacity, maxPersons))
        {
            return await ShowAsync(ct);
        }
        if (!await schedule.UpdateBoatAsync(id, name!, capacity!.Value, maxPersons ?? capacity.Value, hasAc, ct))
        {
            return NotFound();
        }
        TempData["Flash"] = $"{name} saved.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRetireAsync(Guid id, bool retired, CancellationToken ct)
    {
        if (!await schedule.SetRetiredAsync(id, retired, ct))
        {
            return NotFound();
        }
        TempData["Flash"] = retired ? "Boat retired: it can no longer be scheduled." : "Boat back in service.";
        return RedirectToPage();
    }

    private bool Validate(ref string? name, int? capacity, int? maxPersons)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !PlainText.IsClean(name))
        {
            Errors.Add("Give the boat a name of up to 100 characters, no invisible or direction characters.");
        }
        if (capacity is null or < 1 or > MaxCapacity)
        {
            Errors.Add($"Seats must be a whole number from 1 to {MaxCapacity}.");
        }
        else if (maxPersons is { } persons && (persons < capacity || persons > 2 * MaxCapacity))
        {
            Errors.Add($"The certified maximum of persons on board counts infants too: a whole number from the seats ({capacity}) to {2 * MaxCapacity}, or empty for the seats.");
        }
        if (Errors.Count == 0 && !ModelState.IsValid)
        {
            // e.g. an air-conditioning flag that is not true/false: refused rather than read as false.
            Errors.Add("Some values could not be read; nothing was saved.");
        }
        return Errors.Count == 0;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Boats = await schedule.ListBoatsAsync(ct);
        return Page();
    }
}
