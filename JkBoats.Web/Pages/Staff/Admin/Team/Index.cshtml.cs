using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Staff;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Team;

public sealed class IndexModel(StaffRepository staff, StaffSignIn signIn, OperatorCalendar calendar) : PageModel
{
    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public IReadOnlyList<StaffMember> Members { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Members = await staff.ListAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(string? email, string? displayName, string? role, string? password, CancellationToken ct)
    {
        var normalized = BookingValidator.NormalizeEmail(email);
        CheckName(displayName, role);
        if (normalized is null) Errors.Add("Enter a valid email address.");
        CheckPassword(password);
        if (Errors.Count == 0 && await staff.AddAsync(normalized!, displayName!, role!, signIn.Hash(password!), replace: false, ct) is null)
        {
            Errors.Add("Someone with that email already exists.");
        }
        return await DoneAsync($"{normalized} added.", ct);
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, string? displayName, string? role, bool isActive, CancellationToken ct)
    {
        CheckName(displayName, role);
        if (Errors.Count == 0 && id.ToString() == User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value && (!isActive || role != StaffRoles.Admin))
        {
            Errors.Add("You cannot remove your own admin access or deactivate yourself.");
        }
        if (Errors.Count == 0)
        {
            switch (await staff.UpdateAsync(id, displayName!, role!, isActive, ct))
            {
                case StaffUpdateResult.NotFound:
                    return NotFound();
                case StaffUpdateResult.LastAdmin:
                    Errors.Add("They are the last active admin: make someone else an admin first. Nothing was saved.");
                    break;
            }
        }
        return await DoneAsync("Saved.", ct);
    }

    public async Task<IActionResult> OnPostPasswordAsync(Guid id, string? password, CancellationToken ct)
    {
        CheckPassword(password);
        if (Errors.Count == 0 && !await staff.SetPasswordAsync(id, signIn.Hash(password!), ct))
        {
            return NotFound();
        }
        return await DoneAsync("Password set; their other sessions have ended.", ct);
    }

    private void CheckName(string? displayName, string? role)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 100 || !PlainText.IsClean(displayName)) Errors.Add("Name: 1 to 100 characters, no invisible or direction characters.");
        if (!StaffRoles.IsValid(role)) Errors.Add("Role must be agent or admin.");
        if (Errors.Count == 0 && !ModelState.IsValid) Errors.Add("Some values could not be read (e.g. the active flag); nothing was saved.");
    }

    private void CheckPassword(string? password)
    {
        if (password is null || password.Length < CommandLine.MinPasswordLength || password.Length > 200)
        {
            Errors.Add($"Password: at least {CommandLine.MinPasswordLength} characters.");
        }
    }

    private async Task<IActionResult> DoneAsync(string message, CancellationToken ct)
    {
        if (Errors.Count > 0)
        {
            Members = await staff.ListAsync(ct);
            return Page();
        }
        TempData["Flash"] = message;
        return RedirectToPage();
    }
}
