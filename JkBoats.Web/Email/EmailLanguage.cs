using System.Globalization;
using JkBoats.Web.Infrastructure;

namespace JkBoats.Web.Email;

/// <summary>An email is written in the language its booking or waiting-list entry was made in: while one is built, the UI culture
/// is that language, so its templates, <see cref="SiteText"/> and <c>Display</c> (days, numbers) all follow it. A language the
/// site no longer has falls back to the first one (English).</summary>
public sealed class EmailLanguage : IDisposable
{
    private readonly CultureInfo _previous = CultureInfo.CurrentUICulture;

    private EmailLanguage(string? code)
    {
        var language = Languages.Supported.FirstOrDefault(l => l.Code == code).Code ?? Languages.Supported[0].Code;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
    }

    public static EmailLanguage Use(string? code) => new(code);

    public void Dispose() => CultureInfo.CurrentUICulture = _previous;
}
