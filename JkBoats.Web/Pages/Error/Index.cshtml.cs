using JkBoats.Web.Pages.Shared;

namespace JkBoats.Web.Pages.Error;

public sealed class IndexModel : ErrorPageModel
{
    protected override (string Title, string Message) Describe(int? code) => code switch
    {
        StatusCodes.Status429TooManyRequests => ("Please wait a minute", "There were too many requests from your connection. Please try again in a minute."),
        StatusCodes.Status503ServiceUnavailable => ("Busy right now", "We are very busy at the moment. Nothing was changed; please try again in a few seconds."),
        StatusCodes.Status404NotFound => ("Page not found", "We could not find that page. It may have moved, or the link may be mistyped."),
        >= 400 and < 500 => ("That did not work", "The request could not be handled. Please go back and try again."),
        _ => ("Something went wrong", "Sorry, we could not finish that. Please try again in a moment."),
    };
}
