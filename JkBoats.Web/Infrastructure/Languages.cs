using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace JkBoats.Web.Infrastructure;

/// <summary>The customer site's languages. The language comes from the visitor's choice (the switcher, kept in a cookie), else the
/// browser's <c>Accept-Language</c>, else the first language; URLs stay the same in every language. Only the UI culture follows
/// the visitor: the number and date culture of model binding stays fixed, so a form posts the same values in every language, and
/// amounts and dates are formatted by <c>Display</c>. Staff pages and the API are not localized.</summary>
public static class Languages
{
    /// <summary>English first, then Greek and French, each with its own name for the switcher and the culture its days and numbers
    /// are written in when it is not the operator culture's language (an en-US operator's English pages stay en-US).</summary>
    public static readonly IReadOnlyList<(string Code, string Name, string Culture)> Supported =
        [("en", "English", "en-GB"), ("el", "Ελληνικά", "el-GR"), ("fr", "Français", "fr-FR")];

    /// <summary>The language of a visitor who has not chosen one and whose browser asks for none of ours: the operator culture's
    /// language when the site has it (an el-GR operator's site opens in Greek), else English.</summary>
    public static string Default(JkBoats.Data.LocaleOptions locale) =>
        CultureInfo.GetCultureInfo(locale.Culture).TwoLetterISOLanguageName is var code && Supported.Any(l => l.Code == code) ? code : Supported[0].Code;

    public const string CookieName = ".JkBoats.Language";

    public static IServiceCollection AddJkBoatsLanguages(this IServiceCollection services)
    {
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddOptions<RequestLocalizationOptions>().Configure<Microsoft.Extensions.Options.IOptions<JkBoats.Data.JkBoatsOptions>>((options, settings) =>
        {
            var culture = CultureInfo.GetCultureInfo("en-US");
            options.DefaultRequestCulture = new RequestCulture(culture, CultureInfo.GetCultureInfo(Default(settings.Value.Locale)));
            options.SupportedCultures = [culture];
            options.SupportedUICultures = Supported.Select(l => CultureInfo.GetCultureInfo(l.Code)).ToList();
            options.FallBackToParentUICultures = true; // Accept-Language el-GR is Greek, fr-CH French
            options.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = CookieName },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>GET /language/{code}?return=/path: keeps the choice in a cookie for a year and goes back to the page (a local path
    /// only; anything else goes to the home page). An unknown language changes nothing.</summary>
    public static void MapLanguageSwitch(this IEndpointRouteBuilder app) =>
        app.MapGet("/language/{code}", (string code, string? @return, HttpContext http) =>
        {
            var target = @return is { Length: > 0 } path && path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal)
                && !path.StartsWith("/\\", StringComparison.Ordinal) ? path : "/";
            if (Supported.Any(l => l.Code == code))
            {
                http.Response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture("en-US", code)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = http.Request.IsHttps });
            }
            return Results.LocalRedirect(target);
        }).ExcludeFromDescription();

    /// <summary>The language the page is in, for <c>&lt;html lang&gt;</c>.</summary>
    public static string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName is var code && Supported.Any(l => l.Code == code) ? code : Supported[0].Code;
}
