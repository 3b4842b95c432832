using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace JkBoats.Tests.Pages;

/// <summary>One visitor: a cookie-keeping HTTP client, pages parsed by AngleSharp, forms submitted as the page has them.</summary>
public sealed class SiteSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly IBrowsingContext _browsing = BrowsingContext.New(Configuration.Default);

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

    /// <summary>Submits a form as parsed from the page (hidden fields and antiforgery token included), with some fields changed.</summary>
    public async Task<Result> SubmitAsync(IHtmlFormElement form, IReadOnlyDictionary<string, string>? values = null, bool htmx = false)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var (name, value) = element switch
            {
                IHtmlInputElement { IsDisabled: false, Type: not ("submit" or "button") } input => (input.Name, input.Value),
                IHtmlSelectElement { IsDisabled: false } select => (select.Name, select.Value),
                IHtmlTextAreaElement { IsDisabled: false } text => (text.Name, text.Value),
                _ => (null, null),
            };
            if (!string.IsNullOrEmpty(name))
            {
                fields.Add(new(name, value ?? ""));
            }
        }
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            Assert.Contains(fields, f => f.Key == name);
            fields = fields.Select(f => f.Key == name ? new KeyValuePair<string, string>(name, value) : f).ToList();
        }
        var method = string.IsNullOrEmpty(form.Method) ? "get" : form.Method.ToLowerInvariant();
        var action = form.GetAttribute("action") ?? "";
        using var request = method == "post"
            ? new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) }
            : new HttpRequestMessage(HttpMethod.Get, action.Split('?')[0] + "?" + string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")));
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string path, IReadOnlyDictionary<string, string> fields) =>
        await _http.PostAsync(path, new FormUrlEncodedContent(fields));

    private async Task<Result> SendAsync(HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        var document = await _browsing.OpenAsync(r => r.Content(html).Address(new Uri(_http.BaseAddress!, request.RequestUri!)));
        return new Result(response, document);
    }

    public void Dispose()
    {
        _http.Dispose();
        _browsing.Dispose();
    }
}
