using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Infrastructure;

/// <summary>Customer-facing words written by code rather than by a view (seat counts, balances, refusals), in the current UI
/// language: the visitor's on the site, the booking's in an email, English on staff pages and in the API. The English text is
/// the key, so an untranslated text reads in English; <c>Resources/Infrastructure/SiteText.{el,fr}.resx</c> hold the others.
/// A static localizer because the helpers that write these words are static (<c>Display.Seats</c>, <c>OutcomeMessages</c>).</summary>
public sealed class SiteText
{
    private static readonly IStringLocalizer Localizer = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(SiteText));

    private SiteText()
    {
    }

    /// <summary>The text in the current UI language.</summary>
    public static string T(string english) => Localizer[english];

    /// <summary>The text with its placeholders filled ("{0} seats"); numbers in the arguments are already written.</summary>
    public static string T(string english, params object[] args) => string.Format(CultureInfo.InvariantCulture, Localizer[english], args);
}

/// <summary>The cancellation policy of an operator who wrote none, in the visitor's or the email's language.</summary>
public sealed class SiteOperatorTexts : JkBoats.Data.Operator.IDefaultOperatorTexts
{
    public string CancellationPolicy(TimeSpan cutoff) =>
        SiteText.T("Free to cancel online until {0} before departure; after that, please call the desk.", JkBoats.Web.Pages.Shared.Display.Duration(cutoff));
}
