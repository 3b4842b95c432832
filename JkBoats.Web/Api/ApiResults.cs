namespace JkBoats.Web.Api;

/// <summary>RFC 9457 problem details with a machine-readable <c>error</c> code beside the standard fields.</summary>
public static class ApiResults
{
    public static IResult Problem(int status, string error, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { ["error"] = error });

    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "One or more fields are invalid.") =>
        Results.ValidationProblem(errors, detail: detail, title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["error"] = "validation_failed" });

    public static IResult DepartureNotFound() =>
        Problem(StatusCodes.Status404NotFound, "departure_not_found", "Departure not found", "There is no departure with that id.");

    public static IResult Busy(HttpContext http, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        return Problem(StatusCodes.Status503ServiceUnavailable, "busy", "Busy, try again",
            "Many people are booking this departure right now. Please try again in a moment.");
    }
}
