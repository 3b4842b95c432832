using JkBoats.Data.Bookings;
using JkBoats.Data.Departures;
using JkBoats.Data.Fares;
using JkBoats.Data.Operator;

namespace JkBoats.Data.Content;

/// <summary>A name and a description in one language; either may be missing (the default language's applies).</summary>
public sealed record LocalText(string? Name, string? Description);

/// <summary>The operator's texts in one language; a missing one is the operator details' own.</summary>
public sealed record OperatorTexts(string? PierAddress, string? OpeningHours, string? CancellationPolicy);

/// <summary>The operator's content in one language over the default language's: each text the language does not give is the
/// default's (the destination's own name, the fare type's name and description, the operator details). Records read by the
/// repositories go through <c>Apply</c>, so pages show them as they always did.</summary>
public sealed class ContentTexts
{
    internal ContentTexts(
        string? language,
        IReadOnlyDictionary<string, string> descriptions,
        IReadOnlyDictionary<string, LocalText> destinations,
        IReadOnlyDictionary<string, LocalText> fares,
        OperatorTexts? operatorTexts,
        IReadOnlyDictionary<string, string> defaultNames)
    {
        Language = language;
        _descriptions = descriptions;
        _destinations = destinations;
        _fares = fares;
        _operator = operatorTexts;
        _defaultNames = defaultNames;
    }

    public static readonly ContentTexts None = new(null, new Dictionary<string, string>(), new Dictionary<string, LocalText>(),
        new Dictionary<string, LocalText>(), null, new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _descriptions;
    private readonly IReadOnlyDictionary<string, LocalText> _destinations;
    private readonly IReadOnlyDictionary<string, LocalText> _fares;
    private readonly OperatorTexts? _operator;
    private readonly IReadOnlyDictionary<string, string> _defaultNames;

    public string? Language { get; }

    internal static string Key(string destination) => destination.Trim().ToLowerInvariant();

    public string Destination(string name) => Given(_destinations.GetValueOrDefault(Key(name))?.Name) ?? name;

    /// <summary>The destination's description in this language, else in the default language, else null.</summary>
    public string? DestinationDescription(string name) =>
        Given(_destinations.GetValueOrDefault(Key(name))?.Description) ?? _descriptions.GetValueOrDefault(Key(name));

    /// <summary>The destination a name in any language stands for (a link or a choice made in another language), as departures
    /// spell it; a name no language gives is returned as it is.</summary>
    public string DefaultDestination(string name) => _defaultNames.GetValueOrDefault(Key(name)) ?? name;

    public string FareName(string code, string name) => Given(_fares.GetValueOrDefault(code)?.Name) ?? name;

    public string? FareDescription(string code, string? description) => Given(_fares.GetValueOrDefault(code)?.Description) ?? description;

    public DepartureListing Apply(DepartureListing departure) => departure with { Destination = Destination(departure.Destination) };

    public IReadOnlyList<DepartureListing> Apply(IEnumerable<DepartureListing> departures) => departures.Select(Apply).ToList();

    public DepartureFare Apply(DepartureFare fare) =>
        fare with { Name = FareName(fare.Code, fare.Name), Description = FareDescription(fare.Code, fare.Description) };

    public BookingConfirmation Apply(BookingConfirmation booking) => booking with
    {
        Destination = Destination(booking.Destination),
        Passengers = booking.Passengers?.Select(p => p with { FareName = FareName(p.Fare, p.FareName) }).ToList(),
    };

    public WeatherChoiceOffer Apply(WeatherChoiceOffer offer) =>
        offer with { Options = offer.Options.Select(o => o with { Destination = Destination(o.Destination) }).ToList() };

    public OperatorDetails Apply(OperatorDetails details) => _operator is not { } texts ? details : details with
    {
        PierAddress = Given(texts.PierAddress) ?? details.PierAddress,
        OpeningHours = Given(texts.OpeningHours) ?? details.OpeningHours,
        CancellationPolicy = Given(texts.CancellationPolicy) ?? details.CancellationPolicy,
    };

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
