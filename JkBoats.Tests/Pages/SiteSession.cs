using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using JkBoats.Tests.Infrastructure;

namespace JkBoats.Tests.Pages;

/// <summary>One visitor: a cookie-keeping HTTP client, pages parsed by AngleSharp, forms submitted as the page has them.</summary>
public sealed class SiteSession : IDisposable
{
    private readonly HttpClient _http;

    public SiteSession(Uri baseAddress)
    {
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public sealed record Result(HttpResponseMessage Response, IDocument Document)
    {
        public HttpStatusCode Status => Response.StatusCode;

        public IElement? Find(string selector) => Document.QuerySelector(selector);

        public IElement Get(string selector) => Document.QuerySelector(selector) ?? throw new Xunit.Sdk.XunitException($"No element matches {selector}");

        public IReadOnlyList<IElement> All(string selector) => Document.QuerySelectorAll(selector).ToList();

        public IHtmlFormElement Form(string selector) => (IHtmlFormElement)Get(selector);

        public string Text(string selector) => Get(selector).TextContent.Trim();

        public bool HasVaryHxRequest => Response.Headers.Vary.Contains("HX-Request");
    }

    public async Task<Result> GetAsync(string path, bool htmx = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }
        return await SendAsync(request);
    }

    public async Task<Result> SubmitAsync(IHtmlFormElement form, IReadOnlyDictionary<string, string>? values = null, bool htmx = false,
        string? submitter = null, bool pastBrowserChecks = false)
    {
        using var request = HtmlForms.Submission(form, values, submitter, pastBrowserChecks);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string path, IReadOnlyDictionary<string, string> fields) =>
        await _http.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>A hand-made request (any method, any address) with this visitor's cookies.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request) => await _http.SendAsync(request);

    private async Task<Result> SendAsync(HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request);
        return new Result(response, await HtmlForms.ParseAsync(response));
    }

    public void Dispose()
    {
        _http.Dispose();
    }
}
