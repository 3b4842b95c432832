using JkBoats.Data.Staff;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff;

public sealed class SignOutModel(StaffRepository staff) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Staff/Dashboard/Index");

    /// <summary>Ends every session of the account, not only this browser's: a copy of the cookie (or another device) stops working
    /// at its next request on any instance. The stamp changes first, so a failure leaves the member visibly signed in.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.StaffId() is { } id)
        {
            await staff.EndSessionsAsync(id, ct);
        }
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Staff/SignIn");
    }
}
