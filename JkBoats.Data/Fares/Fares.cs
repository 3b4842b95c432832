namespace JkBoats.Data.Fares;

/// <summary>A kind of ticket the operator sells (adult, child, infant on a lap...). <c>adult</c> always exists, takes a seat and
/// is the document API's <c>price_per_seat</c>.</summary>
public sealed record FareType(Guid Id, string Code, string Name, string? Description, bool TakesSeat, int SortOrder, bool IsActive)
{
    public const string Adult = "adult";
}

/// <summary>A fare offered on one departure, at that departure's price.</summary>
public sealed record DepartureFare(Guid DepartureId, Guid FareTypeId, string Code, string Name, string? Description, bool TakesSeat, decimal Price, int SortOrder);

/// <summary>What a passenger needs on board; stored as these words.</summary>
public static class PassengerNeeds
{
    public const string Wheelchair = "wheelchair";
    public const string ReducedMobility = "reduced_mobility";
    public const string Other = "other";

    public static readonly string[] All = [Wheelchair, ReducedMobility, Other];

    public static string Label(string? needs) => needs switch
    {
        Wheelchair => "Wheelchair",
        ReducedMobility => "Reduced mobility",
        Other => "Other needs",
        _ => "",
    };
}
