using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using JkBoats.Web.Email.Templates;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace JkBoats.Web.Email;

/// <summary>Renders the email templates (Razor components) in the current UI culture: the language of the booking or waiting-list
/// entry the email is for (see <see cref="EmailLanguage"/>).</summary>
public sealed class EmailRenderer : IDisposable, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly HtmlRenderer _renderer;
    private bool _disposed;

    public EmailRenderer(ILoggerFactory loggerFactory)
    {
        // The templates need only their texts (IStringLocalizer, resources under Resources/Email/Templates); the site's default
        // encoder would write every non-ASCII letter as an entity.
        _services = new ServiceCollection()
            .AddSingleton(HtmlEncoder.Create(UnicodeRanges.All))
            .AddSingleton(loggerFactory)
            .AddLocalization(options => options.ResourcesPath = "Resources")
            .BuildServiceProvider();
        _renderer = new HtmlRenderer(_services, loggerFactory);
    }

    public Task<string> HtmlAsync(Type component, BookingEmailModel booking) =>
        RenderAsync(component, new Dictionary<string, object?> { [nameof(BookingEmailComponent.Booking)] = booking });

    public Task<string> HtmlAsync(Type component, WaitlistOfferModel offer) =>
        RenderAsync(component, new Dictionary<string, object?> { [nameof(WaitlistOfferComponent.Offer)] = offer });

    /// <summary>The renderer HTML-encodes each value once; a text template holds no markup and no entities of its own, so
    /// decoding once gives back exactly the text.</summary>
    public async Task<string> TextAsync(Type component, BookingEmailModel booking) =>
        WebUtility.HtmlDecode(await HtmlAsync(component, booking));

    public async Task<string> TextAsync(Type component, WaitlistOfferModel offer) =>
        WebUtility.HtmlDecode(await HtmlAsync(component, offer));

    private Task<string> RenderAsync(Type component, IDictionary<string, object?> parameters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var culture = CultureInfo.CurrentUICulture;
        return _renderer.Dispatcher.InvokeAsync(async () =>
        {
            // The dispatcher may run this on another thread: the texts follow the caller's language all the same.
            CultureInfo.CurrentUICulture = culture;
            var output = await _renderer.RenderComponentAsync(component, ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }

    public void Dispose()
    {
        _disposed = true;
        _renderer.Dispose();
        _services.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _renderer.DisposeAsync();
        await _services.DisposeAsync();
    }
}
