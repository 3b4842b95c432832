using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff;

public sealed class SignInModel(StaffSignIn signIn, StaffSignInThrottle throttle) : PageModel
{
    public const string FailedMessage = "That email and password did not match, or the account is locked for a while. Try again, or ask an admin.";

    public string? Email { get; private set; }

    public string? Error { get; private set; }

    public string ReturnUrl { get; private set; } = "";

    public void OnGet(string? returnUrl) => ReturnUrl = SafeReturnUrl(returnUrl);

    [EnableRateLimiting(Security.SignInRateLimit)]
    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        Email = email?.Trim();
        if (string.IsNullOrEmpty(Email) || string.IsNullOrEmpty(password) || Email.Length > 254 || password.Length > 1000)
        {
            Error = FailedMessage;
            return Page();
        }
        if (throttle.TryAttempt(Email) is { } wait)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return StatusCode(StatusCodes.Status429TooManyRequests);
        }
        var (result, member) = await signIn.CheckAsync(Email, password, ct);
        if (result != StaffSignInResult.Succeeded || member is null)
        {
            Error = FailedMessage;
            return Page();
        }
        // A fresh cookie every sign-in: any session id an attacker planted before is worthless.
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, StaffAuthentication.PrincipalFor(member),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        return LocalRedirect(ReturnUrl);
    }

    private string SafeReturnUrl(string? returnUrl)
    {
        var dashboard = Url.Page("/Staff/Dashboard/Index")!;
        return !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(dashboard, StringComparison.OrdinalIgnoreCase) ? returnUrl : dashboard;
    }
}
