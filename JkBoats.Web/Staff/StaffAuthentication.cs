using System.Runtime.ExceptionServices;
using System.Security.Claims;
using JkBoats.Data.Staff;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Staff;

public sealed class StaffOptions
{
    public const string Section = "JkBoats:Staff";

    /// <summary>Serve the staff cookie only over HTTPS, with the __Host- prefix. Turn on in production.</summary>
    public bool SecureCookies { get; set; }

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(12);
}

public static class StaffAuthentication
{
    public const string StaffPolicy = "staff";
    public const string AdminPolicy = "admin";
    public const string StampClaim = "jkb:stamp";
    public const string SignedInAtClaim = "jkb:signed_in_at";
    public const int PasswordIterations = 250_000;

    private const string UncheckedSessionKey = "jkb:session-unchecked";

    public static void AddStaffAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section);
        var staff = configuration.GetSection(StaffOptions.Section).Get<StaffOptions>() ?? new StaffOptions();

        services.AddSingleton<IPasswordHasher<StaffMember>>(new PasswordHasher<StaffMember>(
            Options.Create(new PasswordHasherOptions { IterationCount = PasswordIterations })));
        services.AddSingleton<StaffSignIn>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = staff.SecureCookies ? "__Host-jkb-staff" : "jkb-staff";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = staff.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                cookie.Cookie.Path = "/";
                cookie.ExpireTimeSpan = staff.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/staff/signin";
                cookie.LogoutPath = "/staff/signout";
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
                cookie.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Headers.ContainsKey("HX-Request"))
                    {
                        // htmx follows redirects inside the swap; make it load the sign-in page as a whole page instead.
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers["HX-Redirect"] = context.RedirectUri;
                        return Task.CompletedTask;
                    }
                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
                cookie.Events.OnValidatePrincipal = ValidateAsync;
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, policy => policy.RequireRole(StaffRoles.Agent, StaffRoles.Admin))
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(StaffRoles.Admin));
    }

    /// <summary>A session that could not be checked (database unreachable) rethrows the database's exception, so it becomes a 503, not a sign-out.</summary>
    public static void UseStaffAuthentication(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.Use((http, next) =>
        {
            if (http.Items[UncheckedSessionKey] is ExceptionDispatchInfo unreachable && http.Features.Get<IExceptionHandlerFeature>() is null)
            {
                unreachable.Throw();
            }
            return next(http);
        });
    }

    /// <summary>Ends a session past its absolute lifetime or whose security stamp changed; the stamp is read from the primary on every
    /// request, so every instance agrees at the next one.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        if (http.Items.ContainsKey(UncheckedSessionKey))
        {
            context.RejectPrincipal(); // Re-executed for the error page: the database is still down, and the cookie stays.
            return;
        }
        var principal = context.Principal;
        var options = http.RequestServices.GetRequiredService<IOptions<StaffOptions>>().Value;
        var signedInAt = long.TryParse(principal?.FindFirstValue(SignedInAtClaim), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue;
        StaffSessionState? session;
        try
        {
            session = principal?.StaffId() is not { } id || DateTimeOffset.UtcNow - signedInAt > options.AbsoluteTimeout
                ? null
                : await http.RequestServices.GetRequiredService<StaffRepository>().GetSessionStateAsync(id, http.RequestAborted);
        }
        catch (Exception e) when (DatabaseUnavailableHandler.IsDatabaseUnavailable(e))
        {
            // Thrown from here, the failure would be cached by the cookie handler and thrown again while the error page renders (a 500).
            http.Items[UncheckedSessionKey] = ExceptionDispatchInfo.Capture(e);
            context.RejectPrincipal();
            return;
        }
        if (session is null || !session.IsActive || session.SecurityStamp.ToString() != principal?.FindFirstValue(StampClaim))
        {
            context.RejectPrincipal();
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    public static ClaimsPrincipal PrincipalFor(StaffMember member) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, member.Id.ToString()),
        new Claim(ClaimTypes.Name, member.DisplayName),
        new Claim(ClaimTypes.Email, member.Email),
        new Claim(ClaimTypes.Role, member.Role),
        new Claim(StampClaim, member.SecurityStamp.ToString()),
        new Claim(SignedInAtClaim, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString()),
    ], CookieAuthenticationDefaults.AuthenticationScheme));

    public static Guid? StaffId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) && id != Guid.Empty ? id : null;

    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Email) ?? "staff";
}
