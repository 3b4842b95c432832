using JkBoats.Data.Bookings;
using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Data.Fares;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace JkBoats.Web.Api;

public sealed record BoatListResponse(IReadOnlyList<BoatListItem> Boats);

/// <summary>One departure as the contract's "boat" item: <c>id</c> is the boat id, <c>departure_id</c> books it.</summary>
public sealed record BoatListItem(
    Guid Id, Guid DepartureId, string Name, int Capacity, int AvailableSeats, bool HasAc, decimal PricePerSeat,
    DateTime DepartureTime, string Destination, IReadOnlyList<FareResponse> Fares);

/// <summary>A fare sold on a departure; <c>adult</c> is always there, at <c>price_per_seat</c>. An infant fare (no seat) travels on a lap.</summary>
public sealed record FareResponse(string Code, string Name, decimal Price, bool TakesSeat);

public sealed record DepartureBoat(Guid Id, string Name, int Capacity, bool HasAc);

/// <summary><c>max_persons</c>: the certified persons on board, infants included; <c>available_persons</c> of them are left.</summary>
public sealed record DepartureDetailsResponse(
    Guid DepartureId, DepartureBoat Boat, int AvailableSeats, decimal PricePerSeat, DateTime DepartureTime, string Destination,
    IReadOnlyList<FareResponse> Fares, int MaxPersons, int AvailablePersons);

public sealed record DestinationListResponse(IReadOnlyList<string> Destinations);

public static class BoatEndpoints
{
    public const int MaxRangeDays = 366;

    public static void MapBoatEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Departures").CompressOverHttps();

        api.MapGet("/boats", ListBoats)
            .WithName("ListBoats")
            .WithSummary("Departures with their boat and remaining seats")
            .WithDescription("Filter by destination (case-insensitive) and a calendar day in the operator's time zone (date), or a range (date_from, date_to). Only future, scheduled departures, in departure order.")
            .Produces<BoatListResponse>()
            .ProducesValidationProblem()
            .CacheOutput(ListingCache.Policy);

        api.MapGet("/boats/{boat_id}/departures/{departure_id}", GetDeparture)
            .WithName("GetDeparture")
            .WithSummary("One departure of a boat")
            .Produces<DepartureDetailsResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/destinations", ListDestinations)
            .WithName("ListDestinations")
            .WithSummary("Destinations with upcoming departures")
            .Produces<DestinationListResponse>();
    }

    private static async Task<IResult> ListBoats(
        string? destination, string? date, [FromQuery(Name = "date_from")] string? dateFrom, [FromQuery(Name = "date_to")] string? dateTo,
        DepartureRepository departures, OperatorCalendar calendar, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var day = ParseDay(date, "date", errors);
        var from = ParseDay(dateFrom, "date_from", errors);
        var to = ParseDay(dateTo, "date_to", errors);
        if (day is not null && (from is not null || to is not null))
        {
            errors["date"] = ["Give either date or date_from/date_to, not both."];
        }
        if (from is not null && to is not null && to < from)
        {
            errors["date_to"] = ["date_to must not be before date_from."];
        }
        else if (from is not null && to is not null && to.Value.DayNumber - from.Value.DayNumber > MaxRangeDays)
        {
            errors["date_to"] = [$"A date range may span at most {MaxRangeDays} days."];
        }
        destination = destination?.Trim();
        if (destination is { Length: > 200 })
        {
            errors["destination"] = ["destination must be at most 200 characters."];
        }
        else if (destination is not null && !PlainText.IsClean(destination))
        {
            errors["destination"] = [BookingValidator.InvisibleCharacters("destination")];
        }
        if (errors.Count > 0)
        {
            return ApiResults.Validation(errors);
        }

        var now = calendar.UtcNow;
        var (fromUtc, toUtc) = (day, from, to) switch
        {
            ({ } d, _, _) => (calendar.StartOfDayUtc(d), calendar.StartOfDayUtc(d.AddDays(1))),
            (_, { } f, { } t) => (calendar.StartOfDayUtc(f), calendar.StartOfDayUtc(t.AddDays(1))),
            (_, { } f, null) => (calendar.StartOfDayUtc(f), calendar.StartOfDayUtc(f.AddDays(MaxRangeDays))),
            (_, null, { } t) => (now, calendar.StartOfDayUtc(t.AddDays(1))),
            _ => (now, now.AddDays(MaxRangeDays)),
        };
        var (rows, sold) = await departures.SearchWithFaresAsync(
            new DepartureSearch(string.IsNullOrEmpty(destination) ? null : destination, fromUtc < now ? now : fromUtc, toUtc), ct);
        return Results.Ok(new BoatListResponse(rows.Select(d => new BoatListItem(
            d.BoatId, d.DepartureId, d.BoatName, d.Capacity, d.AvailableSeats, d.HasAc, d.PricePerSeat, d.DepartureTime, d.Destination,
            FaresOf(sold[d.DepartureId]))).ToList()));
    }

    private static async Task<IResult> GetDeparture([FromRoute(Name = "boat_id")] string boatText, [FromRoute(Name = "departure_id")] string departureText,
        DepartureRepository departures, FareRepository fares, CancellationToken ct)
    {
        if (!Guid.TryParse(boatText, out var boatId) || !Guid.TryParse(departureText, out var departureId))
        {
            return ApiResults.DepartureNotFound();
        }
        var departure = await departures.GetAsync(departureId, ct);
        if (departure is null || departure.BoatId != boatId)
        {
            return ApiResults.DepartureNotFound();
        }
        var sold = await fares.DepartureFaresAsync([departureId], ct);
        return Results.Ok(new DepartureDetailsResponse(
            departure.DepartureId,
            new DepartureBoat(departure.BoatId, departure.BoatName, departure.Capacity, departure.HasAc),
            departure.AvailableSeats, departure.PricePerSeat, departure.DepartureTime, departure.Destination,
            FaresOf(sold[departureId]), departure.MaxPersons, departure.AvailablePersons));
    }

    private static IReadOnlyList<FareResponse> FaresOf(IEnumerable<DepartureFare> sold) =>
        sold.Select(f => new FareResponse(f.Code, f.Name, f.Price, f.TakesSeat)).ToList();

    private static async Task<IResult> ListDestinations(DepartureRepository departures, OperatorCalendar calendar, CancellationToken ct) =>
        Results.Ok(new DestinationListResponse(await departures.ListDestinationsAsync(calendar.UtcNow, ct)));

    private static DateOnly? ParseDay(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }
        errors[field] = [$"{field} must be a calendar date written YYYY-MM-DD."];
        return null;
    }
}
