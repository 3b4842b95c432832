using System.Text.Json;
using System.Text.Json.Serialization;
using JkBoats.Data.Fares;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Data.Operations;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Api;

public sealed record CreateBookingRequest(Guid? DepartureId, int? SeatsRequested, CustomerRequest? Customer, IReadOnlyList<PassengerRequest?>? Passengers = null);

public sealed record CustomerRequest(string? Email, string? FullName, string? Phone);

/// <summary>One person travelling. <c>needs</c>: wheelchair, reduced_mobility or other (with <c>needs_note</c>), or null.</summary>
public sealed record PassengerRequest(string? Fare, string? FullName, int? BirthYear = null, string? Needs = null, string? NeedsNote = null);

/// <summary><c>passengers</c> is there when the request sent a passenger list; without one the answer is the document's, unchanged.</summary>
public sealed record BookingCreatedResponse(
    Guid BookingId, string Status, string ConfirmationCode, BookedDeparture Departure, int SeatsBooked, decimal TotalPrice, BookedCustomer Customer,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<BookedPassengerResponse>? Passengers = null);

public sealed record BookedPassengerResponse(string Fare, string? FullName, decimal Price);

public sealed record BookedDeparture(string BoatName, DateTime DepartureTime, string Destination);

public sealed record BookedCustomer(string? Email, string FullName);

public sealed record InsufficientCapacityResponse(
    string Error, string Message, int AvailableSeats,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AvailablePersons = null);

public sealed record BookingLookupResponse(IReadOnlyList<BookingLookupItem> Bookings);

public sealed record BookingLookupItem(
    Guid BookingId, string ConfirmationCode, DateTime DepartureTime, string Destination, int SeatsBooked, string Status, DateTime CreatedAt);

public static class BookingEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxBodyBytes = 16 * 1024;
    public const int MaxIdempotencyKeyLength = 100;

    public static void MapBookingEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Bookings");

        api.MapPost("/bookings", CreateBooking)
            .WithName("CreateBooking")
            .WithSummary("Book seats on a departure")
            .WithDescription("""
                Send an Idempotency-Key header to make retries safe: the same key with the same body returns the original booking, with a different body 422.

                Without `passengers` the request books `seats_requested` adults. With `passengers` (fares from the departure's `fares`), `seats_requested` may be left out,
                and the answer lists each passenger's fare and price. Example:

                ```json
                {"departure_id": "…", "customer": {"email": "ana@example.com", "full_name": "Ana Doe", "phone": "+1 415 555 0132"},
                 "passengers": [{"fare": "adult", "full_name": "Ana Doe"}, {"fare": "adult"}, {"fare": "child", "full_name": "Rui Doe", "needs": "other", "needs_note": "Gets seasick"}, {"fare": "infant"}]}
                ```
                """)
            .Accepts<CreateBookingRequest>("application/json")
            .Produces<BookingCreatedResponse>(StatusCodes.Status201Created)
            .Produces<InsufficientCapacityResponse>(StatusCodes.Status400BadRequest)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(Security.BookingRateLimit)
            .DisableAntiforgery();

        api.MapGet("/bookings", LookupBookings)
            .WithName("LookupBookings")
            .WithSummary("A customer's bookings by email or phone")
            .WithDescription("Booking facts only (no names or contact details). Rate-limited per client.")
            .Produces<BookingLookupResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(AppSetup.LookupRateLimit);
    }

    private static async Task<IResult> CreateBooking(
        HttpContext http, BookingValidator validator, SeatInventory inventory, FareRepository fareTypes, OpsMetrics metrics, IOptions<JsonOptions> json,
        IOptions<JkBoatsOptions> settings, CancellationToken ct)
    {
        if (!http.Request.HasJsonContentType())
        {
            metrics.Booking(BookingChannel.Api, Outcomes.ValidationError);
            return ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "Unsupported media type", "Send the booking as JSON with Content-Type: application/json.");
        }
        var body = await ReadBodyAsync(http.Request, json.Value.SerializerOptions, ct);
        if (body.Failure is not null)
        {
            metrics.Booking(BookingChannel.Api, Outcomes.ValidationError);
            return body.Failure;
        }

        var errors = new Dictionary<string, string[]>();
        var key = ReadIdempotencyKey(http.Request, errors);
        var request = body.Value!;
        var passengers = request.Passengers?.Select(p => new PassengerInput(p?.Fare, p?.FullName, p?.BirthYear, p?.Needs, p?.NeedsNote)).ToList();
        var fares = passengers is null ? null : await fareTypes.FaresOnSaleAsync(ct);
        var booking = validator.Validate(
            new BookingInput(request.DepartureId, request.SeatsRequested, request.Customer?.FullName, request.Customer?.Email, request.Customer?.Phone)
            {
                Passengers = passengers,
            },
            errors, fares: fares);
        if (booking is null || errors.Count > 0)
        {
            metrics.Booking(BookingChannel.Api, Outcomes.ValidationError);
            return ApiResults.Validation(errors);
        }

        // An API booking asks for no language: its customer's emails are in the operator's.
        var outcome = await inventory.BookAsync(new BookingCommand(booking, BookingChannel.Api, key) { Language = Languages.Default(settings.Value.Locale) }, ct);
        switch (outcome)
        {
            case BookingOutcome.Confirmed confirmed:
                if (confirmed.Replayed)
                {
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                }
                var b = confirmed.Booking;
                return Results.Json(new BookingCreatedResponse(
                    b.BookingId, b.Status.Name(), b.ConfirmationCode, new BookedDeparture(b.BoatName, b.DepartureTime, b.Destination),
                    b.SeatsBooked, b.TotalPrice, new BookedCustomer(b.Email, b.FullName),
                    passengers is null ? null : b.Passengers?.Select(p => new BookedPassengerResponse(p.Fare, p.FullName, p.Price)).ToList()),
                    json.Value.SerializerOptions, statusCode: StatusCodes.Status201Created);
            case BookingOutcome.InsufficientCapacity refused:
                return Results.Json(new InsufficientCapacityResponse(
                        "insufficient_capacity", OutcomeMessages.Capacity(refused), refused.AvailableSeats, refused.AvailablePersons),
                    json.Value.SerializerOptions, statusCode: StatusCodes.Status400BadRequest);
            case BookingOutcome.UnknownFare unknown:
                return ApiResults.Validation(new Dictionary<string, string[]>
                {
                    [BookingValidator.PassengerField(unknown.Index, "fare")] = [OutcomeMessages.UnknownFare(unknown)],
                });
            case BookingOutcome.DepartureNotFound:
                return ApiResults.DepartureNotFound();
            case BookingOutcome.DepartureClosed closed:
                return ApiResults.Problem(StatusCodes.Status409Conflict, "departure_closed", "Departure not bookable",
                    OutcomeMessages.Closed(closed.Reason));
            case BookingOutcome.IdempotencyKeyReused:
                return ApiResults.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused", "Idempotency key reused",
                    "This Idempotency-Key was already used for a different booking request.");
            case BookingOutcome.Busy busy:
                return ApiResults.Busy(http, busy.RetryAfter);
            default:
                throw new InvalidOperationException($"Unhandled booking outcome {outcome}");
        }
    }

    private static async Task<IResult> LookupBookings(
        string? email, string? phone, BookingValidator validator, BookingRepository bookings, OperatorCalendar calendar, CancellationToken ct)
    {
        var hasEmail = !string.IsNullOrWhiteSpace(email);
        var hasPhone = !string.IsNullOrWhiteSpace(phone);
        var errors = new Dictionary<string, string[]>();
        if (hasEmail == hasPhone)
        {
            errors[hasEmail ? "phone" : "email"] = ["Give either an email or a phone number."];
            return ApiResults.Validation(errors);
        }
        var normalized = hasEmail ? BookingValidator.NormalizeEmail(email) : validator.NormalizePhone(phone);
        if (normalized is null)
        {
            errors[hasEmail ? "email" : "phone"] = [hasEmail ? "Enter an email address like name@example.com." : "Enter a valid phone number."];
            return ApiResults.Validation(errors);
        }
        var rows = hasEmail
            ? await bookings.FindByEmailAsync(normalized, calendar.UtcNow, ct)
            : await bookings.FindByPhoneAsync(normalized, calendar.UtcNow, ct);
        return Results.Ok(new BookingLookupResponse(rows.Select(r => new BookingLookupItem(
            r.BookingId, r.MaskedCode, r.DepartureTime, r.Destination, r.SeatsBooked, r.Status.Name(), r.CreatedAt)).ToList()));
    }

    private static string? ReadIdempotencyKey(HttpRequest request, Dictionary<string, string[]> errors)
    {
        if (!request.Headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return null;
        }
        var key = values.ToString().Trim();
        if (values.Count != 1 || key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            errors[IdempotencyKeyHeader] = [$"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters, sent once."];
            return null;
        }
        return key;
    }

    private readonly record struct BodyResult(CreateBookingRequest? Value, IResult? Failure);

    private static async Task<BodyResult> ReadBodyAsync(HttpRequest request, JsonSerializerOptions options, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return new(null, TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                return new(null, TooLarge());
            }
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (JsonException)
        {
            return new(null, Malformed("The request body is not valid JSON."));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new(null, Malformed("The request body must be a JSON object."));
            }
            if (NameErrors(document.RootElement) is { Count: > 0 } nameErrors)
            {
                return new(null, ApiResults.Validation(nameErrors));
            }
            try
            {
                return new(document.Deserialize<CreateBookingRequest>(options), null);
            }
            catch (JsonException e) when (e.Path is { Length: > 2 } path && IsKnownField(path))
            {
                var field = path[2..];
                return new(null, ApiResults.Validation(new Dictionary<string, string[]> { [field] = [ExpectedType(field)] }));
            }
            catch (JsonException)
            {
                return new(null, Malformed("The request body does not have the shape of a booking request."));
            }
        }
    }

    private static readonly string[] BookingFields = ["departure_id", "seats_requested", "customer", "passengers"];
    private static readonly string[] CustomerFields = ["email", "full_name", "phone"];
    private static readonly string[] PassengerFields = ["fare", "full_name", "birth_year", "needs", "needs_note"];

    /// <summary>Duplicate properties and known names in another case, which readers disagree on, are refused, never guessed.</summary>
    private static Dictionary<string, string[]> NameErrors(JsonElement booking)
    {
        var errors = new Dictionary<string, string[]>();
        CheckNames(booking, BookingFields, "", errors);
        foreach (var customer in booking.EnumerateObject().Where(p => p.NameEquals("customer") && p.Value.ValueKind == JsonValueKind.Object))
        {
            CheckNames(customer.Value, CustomerFields, "customer.", errors);
        }
        foreach (var list in booking.EnumerateObject().Where(p => p.NameEquals("passengers") && p.Value.ValueKind == JsonValueKind.Array))
        {
            var index = 0;
            foreach (var passenger in list.Value.EnumerateArray())
            {
                if (passenger.ValueKind == JsonValueKind.Object)
                {
                    CheckNames(passenger, PassengerFields, $"passengers[{index}].", errors);
                }
                index++;
            }
        }
        return errors;
    }

    private static void CheckNames(JsonElement element, string[] fields, string prefix, Dictionary<string, string[]> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors[prefix + property.Name] = [$"{prefix}{property.Name} must be sent once."];
            }
            else if (!fields.Contains(property.Name) && fields.FirstOrDefault(f => f.Equals(property.Name, StringComparison.OrdinalIgnoreCase)) is { } field)
            {
                errors[prefix + field] = [$"Property names are case-sensitive: send {prefix}{field}, not {prefix}{property.Name}."];
            }
        }
    }

    private static readonly System.Text.RegularExpressions.Regex PassengerPath = new(@"^\$\.passengers\[\d{1,3}\](\.(?<field>[a-z_]+))?$");

    private static bool IsKnownField(string path) =>
        path.StartsWith("$.customer.", StringComparison.Ordinal) ? CustomerFields.Contains(path["$.customer.".Length..])
        : PassengerPath.Match(path) is { Success: true } m ? !m.Groups["field"].Success || PassengerFields.Contains(m.Groups["field"].Value)
        : BookingFields.Contains(path[2..]);

    private static string ExpectedType(string field) => field switch
    {
        "departure_id" => "departure_id must be a uuid string.",
        "seats_requested" => "seats_requested must be a whole number.",
        "customer" => "customer must be an object with email, full_name and phone.",
        "passengers" => "passengers must be a list of objects with fare, full_name and optional birth_year, needs and needs_note.",
        _ when field.EndsWith(']') => $"{field} must be an object with fare and full_name.",
        _ when field.EndsWith(".birth_year", StringComparison.Ordinal) => $"{field} must be a whole number.",
        _ => $"{field} must be a string.",
    };

    private static IResult Malformed(string detail) =>
        ApiResults.Problem(StatusCodes.Status400BadRequest, "malformed_json", "Malformed request body", detail);

    private static IResult TooLarge() =>
        ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Request body too large",
            $"A booking request must be at most {MaxBodyBytes} bytes.");
}
