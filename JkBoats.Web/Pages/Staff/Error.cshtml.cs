using JkBoats.Web.Pages.Shared;

namespace JkBoats.Web.Pages.Staff;

/// <summary>Errors of requests under /staff, in the staff layout: staff need the board, not "find a boat trip".</summary>
public sealed class ErrorModel : ErrorPageModel
{
    protected override (string Title, string Message) Describe(int? code) => code switch
    {
        StatusCodes.Status403Forbidden => ("Admins only", "This page is for admins. Ask an admin if you need something changed here."),
        StatusCodes.Status404NotFound => ("Page not found", "There is no staff page at this address. The link may be old or mistyped."),
        StatusCodes.Status429TooManyRequests => ("Please wait a minute", "Too many requests came from this connection. Try again in a minute."),
        StatusCodes.Status503ServiceUnavailable => ("Busy right now", "The booking database cannot be reached just now. Nothing was changed; try again in a few seconds."),
        >= 400 and < 500 => ("That did not work", "The request could not be handled. Go back, reload the page and try again."),
        _ => ("Something went wrong", "That did not finish. Check the booking or departure before trying again; the error is in the log."),
    };
}
