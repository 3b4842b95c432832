using JkBoats.Data;
using JkBoats.Data.Content;
using JkBoats.Data.Operator;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Pages.Staff.Admin.Translations;

public sealed class DestinationInput
{
    public string? Destination { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
}

public sealed class FareInput
{
    public Guid? FareTypeId { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
}

/// <summary>The operator's content in each of the customer site's languages: destination names and descriptions, fare names and
/// descriptions, and the pier address, opening hours and cancellation policy. In the default language only the destinations'
/// descriptions are edited here (their names are the destinations' own; fares and operator details have their own pages); in the
/// others a text left empty shows the default language's.</summary>
public sealed class IndexModel(ContentRepository content, OperatorRepository operatorDetails, IOptions<JkBoatsOptions> settings) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "language")]
    public string? Language { get; set; }

    [BindProperty] public List<DestinationInput> Destinations { get; set; } = [];

    [BindProperty] public List<FareInput> Fares { get; set; } = [];

    [BindProperty] public string? PierAddress { get; set; }

    [BindProperty] public string? OpeningHours { get; set; }

    [BindProperty] public string? CancellationPolicy { get; set; }

    public string DefaultLanguage => Languages.Default(settings.Value.Locale);

    public bool IsDefault => Language == DefaultLanguage;

    public string LanguageName => Languages.Supported.First(l => l.Code == Language).Name;

    public ContentForEditing Current { get; private set; } = null!;

    public OperatorDetails Defaults { get; private set; } = null!;

    /// <summary>By field id (<see cref="DestinationField"/>, <see cref="FareField"/>, the operator properties' names).</summary>
    public Dictionary<string, string> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public static string DestinationField(int n, string part) => $"destination-{n}-{part}";

    public static string FareField(int n, string part) => $"fare-{n}-{part}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var destinations = Current.DestinationTexts.GetValueOrDefault(Language!);
        Destinations = Current.Destinations.Select(d => new DestinationInput
        {
            Destination = d,
            Name = IsDefault ? null : destinations?.GetValueOrDefault(Key(d))?.Name,
            Description = IsDefault ? Current.DefaultDescriptions.GetValueOrDefault(Key(d)) : destinations?.GetValueOrDefault(Key(d))?.Description,
        }).ToList();
        var fares = Current.FareTexts.GetValueOrDefault(Language!);
        Fares = Current.Fares.Select(f => new FareInput
        {
            FareTypeId = f.Id, Name = fares?.GetValueOrDefault(f.Id)?.Name, Description = fares?.GetValueOrDefault(f.Id)?.Description,
        }).ToList();
        var texts = Current.OperatorTexts.GetValueOrDefault(Language!);
        (PierAddress, OpeningHours, CancellationPolicy) = (texts?.PierAddress, texts?.OpeningHours, texts?.CancellationPolicy);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var asked = Language;
        await LoadAsync(ct);
        if (asked != Language)
        {
            Errors["language"] = "Choose one of the site's languages.";
            return Page();
        }
        var known = Current.Destinations.ToDictionary(Key);
        var destinations = new List<DestinationTextEdit>();
        for (var n = 0; n < Destinations.Count; n++)
        {
            var input = Destinations[n];
            if (input.Destination is null || !known.TryGetValue(Key(input.Destination), out var destination))
            {
                Errors[DestinationField(n, "name")] = "This destination is no longer on the schedule: reload the page and try again.";
                continue;
            }
            var name = IsDefault ? null : Text(DestinationField(n, "name"), input.Name, ContentRepository.MaxDestinationName,
                $"the {LanguageName} name of {destination}", $"“{destination}”");
            var description = Text(DestinationField(n, "description"), input.Description, ContentRepository.MaxDestinationDescription,
                $"the {LanguageName} description of {destination}",
                IsDefault ? "no description" : "the default language's description");
            destinations.Add(new DestinationTextEdit(destination, name, description));
        }
        var fareTypes = Current.Fares.ToDictionary(f => f.Id);
        var fares = new List<FareTextEdit>();
        if (!IsDefault)
        {
            for (var n = 0; n < Fares.Count; n++)
            {
                var input = Fares[n];
                if (input.FareTypeId is not { } id || !fareTypes.TryGetValue(id, out var fare))
                {
                    Errors[FareField(n, "name")] = "This fare no longer exists: reload the page and try again.";
                    continue;
                }
                fares.Add(new FareTextEdit(id,
                    Text(FareField(n, "name"), input.Name, ContentRepository.MaxFareName, $"the {LanguageName} name of the {fare.Name} fare", $"“{fare.Name}”"),
                    Text(FareField(n, "description"), input.Description, ContentRepository.MaxFareDescription,
                        $"the {LanguageName} description of the {fare.Name} fare", "the default description")));
            }
        }
        var operatorTexts = new OperatorTexts(
            Text(nameof(PierAddress), PierAddress, ContentRepository.MaxPierAddress, $"the pier's address in {LanguageName}", "the default address"),
            Text(nameof(OpeningHours), OpeningHours, ContentRepository.MaxOpeningHours, $"the opening hours in {LanguageName}", "the default hours"),
            Text(nameof(CancellationPolicy), CancellationPolicy, ContentRepository.MaxCancellationPolicy,
                $"the cancellation policy in {LanguageName}", "the default policy"));
        if (Errors.Count > 0)
        {
            return Page();
        }
        if (IsDefault)
        {
            await content.SaveDefaultDescriptionsAsync(destinations, User.Actor(), ct);
        }
        else
        {
            await content.SaveLanguageAsync(Language!, destinations, fares, operatorTexts, User.Actor(), ct);
        }
        TempData["Flash"] = $"{LanguageName} texts saved: the customer site shows them now.";
        return RedirectToPage(new { language = Language });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Language = Languages.Supported.Any(l => l.Code == Language) ? Language : DefaultLanguage;
        Current = await content.ForEditingAsync(ct);
        Defaults = await operatorDetails.CurrentAsync(ct);
    }

    private static string Key(string destination) => destination.Trim().ToLowerInvariant();

    /// <summary>The text as given (null when left empty), or null with a message on the field.</summary>
    private string? Text(string field, string? raw, int max, string what, string fallback)
    {
        // A line break typed in a description box reads as a space on the site.
        var text = raw is null ? null : string.Join(' ', raw.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.Length > max || !PlainText.IsClean(text))
        {
            Errors[field] = $"Enter {what} in up to {max} characters, without invisible or direction characters, or leave it empty to show {fallback}.";
        }
        return text;
    }
}
