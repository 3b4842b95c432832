using System.Net.Http.Headers;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace JkBoats.Tests.Infrastructure;

/// <summary>Fields are filled in the DOM and AngleSharp's GetSubmission builds the request by the HTML spec, as a browser would.</summary>
public static class HtmlForms
{
    private const string SubmitButtons = "button:not([type]), button[type=submit], input[type=submit], input[type=image]";

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        var html = await response.Content.ReadAsStringAsync(ct);
        var address = response.RequestMessage?.RequestUri ?? throw new InvalidOperationException("The response has no request address.");
        var browsing = BrowsingContext.New(Configuration.Default);
        return (IHtmlDocument)await browsing.OpenAsync(r => r.Content(html).Address(address), ct);
    }

    /// <summary>The request pressing <paramref name="submitter"/> (a selector; the form's first submit button by default) sends after
    /// <paramref name="values"/> are filled in (a value no field offers is added, as a hostile client would). Fails when the browser's own
    /// checks would stop it, unless <paramref name="pastBrowserChecks"/>. Fills a copy, so the form can be submitted again.</summary>
    public static HttpRequestMessage Submission(IHtmlFormElement pageForm, IReadOnlyDictionary<string, string>? values = null,
        string? submitter = null, bool pastBrowserChecks = false)
    {
        var page = pageForm.Owner ?? throw new InvalidOperationException("The form is not on a page.");
        var form = (IHtmlFormElement)((IDocument)page.Clone(deep: true)).Forms[page.Forms.ToList().IndexOf(pageForm)]!;
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            Fill(form, name, value);
        }
        var button = submitter is null
            ? form.QuerySelector(SubmitButtons) as IHtmlElement
            : form.QuerySelector(submitter) as IHtmlElement ?? throw new Xunit.Sdk.XunitException($"No submit button {submitter} in {Describe(form)}");
        if (!pastBrowserChecks && !form.NoValidate && button?.HasAttribute("formnovalidate") != true)
        {
            var invalid = form.Elements.Where(e => e is IValidation v && !v.CheckValidity()).ToList();
            Assert.True(invalid.Count == 0, $"A browser would not submit {Describe(form)}: invalid " +
                string.Join(", ", invalid.Select(e => $"{e.GetAttribute("name")}='{(e as IHtmlInputElement)?.Value}'")));
        }
        // The checks are done above (or deliberately skipped): GetSubmission with a submitter would otherwise answer null.
        form.NoValidate = true;
        var submission = (button is null ? form.GetSubmission() : form.GetSubmission(button))
            ?? throw new Xunit.Sdk.XunitException($"AngleSharp made no submission of {Describe(form)}");
        var request = new HttpRequestMessage(new HttpMethod(submission.Method.ToString().ToUpperInvariant()), new Uri(submission.Target.Href));
        if (submission.Method == AngleSharp.Io.HttpMethod.Post)
        {
            request.Content = new StreamContent(submission.Body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(submission.MimeType ?? "application/x-www-form-urlencoded");
        }
        return request;
    }

    public static HttpRequestMessage SentTo(this HttpRequestMessage request, Uri instance)
    {
        request.RequestUri = new Uri(instance, request.RequestUri!.PathAndQuery);
        return request;
    }

    private static void Fill(IHtmlFormElement form, string name, string value)
    {
        var fields = form.Elements.Where(e => e.GetAttribute("name") == name).ToList();
        Assert.True(fields.Count > 0, $"{Describe(form)} has no field '{name}'; it has " +
            string.Join(", ", form.Elements.Select(e => e.GetAttribute("name")).Where(n => !string.IsNullOrEmpty(n)).Distinct()));
        var toggles = fields.OfType<IHtmlInputElement>().Where(i => i.Type is "checkbox" or "radio").ToList();
        if (toggles.Count > 0)
        {
            foreach (var toggle in toggles)
            {
                toggle.IsChecked = false;
            }
            var chosen = toggles.FirstOrDefault(t => t.Value == value) ?? toggles[0];
            chosen.Value = value;
            chosen.IsChecked = true;
            return;
        }
        switch (fields[0])
        {
            case IHtmlSelectElement select:
                if (!select.Options.Any(o => o.Value == value))
                {
                    var option = (IHtmlOptionElement)form.Owner!.CreateElement("option");
                    option.Value = value;
                    select.AppendChild(option);
                }
                select.Value = value;
                break;
            case IHtmlInputElement input:
                input.Value = value;
                break;
            case IHtmlTextAreaElement text:
                text.Value = value;
                break;
            default:
                throw new Xunit.Sdk.XunitException($"Field '{name}' of {Describe(form)} is a <{fields[0].LocalName}>, which takes no value.");
        }
    }

    private static string Describe(IHtmlFormElement form) => $"the form posting to '{form.GetAttribute("action")}' on {form.Owner?.Url}";
}
