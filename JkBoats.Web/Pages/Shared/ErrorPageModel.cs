using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Shared;

/// <summary>An error page for one audience: the status code re-executed (or given in the path) picks its title and message.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public abstract class ErrorPageModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";

    public string Message { get; private set; } = "";

    public int? Code { get; private set; }

    public void OnGet(int? code) => Show(code ?? ReExecutedStatus());

    public void OnPost(int? code) => Show(code ?? ReExecutedStatus());

    protected abstract (string Title, string Message) Describe(int? code);

    private int? ReExecutedStatus() => Response.StatusCode >= 400 ? Response.StatusCode : null;

    private void Show(int? code)
    {
        Code = code;
        (Title, Message) = Describe(code);
    }
}
