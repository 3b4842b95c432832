using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;

namespace JkBoats.Web.Pages.Shared;

public static class HtmxPages
{
    /// <summary>True for htmx swaps; false for normal requests and htmx history restores, which need the whole page.</summary>
    public static bool WantsFragment(this PageModel page) =>
        page.Request.IsHtmx() && !page.Request.IsHtmxHistoryRestoreRequest();

    /// <summary>The same partial serves the fragment for htmx and, inside the page, the full first render. Every answer that
    /// can be a fragment comes through here, so caches always see <c>Vary: HX-Request</c> (added to any Vary already set).</summary>
    /// <param name="otherwise">The answer for a normal request when it is not the page itself, e.g. a redirect after a post.</param>
    public static IActionResult PageOrFragment(this PageModel page, string partialName, object? model = null, IActionResult? otherwise = null)
    {
        page.Response.Headers.Append(HeaderNames.Vary, "HX-Request");
        return page.WantsFragment() ? page.Partial(partialName, model ?? page) : otherwise ?? page.Page();
    }

    /// <summary>Post/Redirect/Get: 303 for a normal form post, HX-Redirect for an htmx one.</summary>
    public static IActionResult SeeOther(this PageModel page, string url)
    {
        page.Response.Headers.Append(HeaderNames.Vary, "HX-Request");
        if (page.Request.IsHtmx())
        {
            page.Response.Htmx(h => h.Redirect(url));
            return new NoContentResult { };
        }
        page.Response.Headers.Location = url;
        return new StatusCodeResult(StatusCodes.Status303SeeOther);
    }
}
