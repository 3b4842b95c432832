using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Error;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";

    public string Message { get; private set; } = "Sorry, we could not finish that. Please try again in a moment.";

    public int? Code { get; private set; }

    public void OnGet(int? code) => Describe(code ?? ReExecutedStatus());

    public void OnPost(int? code) => Describe(code ?? ReExecutedStatus());

    private int? ReExecutedStatus() => Response.StatusCode >= 400 ? Response.StatusCode : null;

    private void Describe(int? code)
    {
        Code = code;
        if (code == StatusCodes.Status429TooManyRequests)
        {
            Title = "Please wait a minute";
            Message = "There were too many requests from your connection. Please try again in a minute.";
        }
        else if (code == StatusCodes.Status503ServiceUnavailable)
        {
            Title = "Busy right now";
            Message = "We are very busy at the moment. Nothing was changed; please try again in a few seconds.";
        }
        else if (code == StatusCodes.Status404NotFound)
        {
            Title = "Page not found";
            Message = "We could not find that page. It may have moved, or the link may be mistyped.";
        }
        else if (code is >= 400 and < 500)
        {
            Title = "That did not work";
            Message = "The request could not be handled. Please go back and try again.";
        }
    }
}
