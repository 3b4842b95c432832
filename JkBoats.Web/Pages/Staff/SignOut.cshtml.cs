using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff;

public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Staff/Dashboard/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Staff/SignIn");
    }
}
