using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using JkBoats.Web.Email.Templates;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace JkBoats.Web.Email;

public sealed class EmailRenderer : IDisposable, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly HtmlRenderer _renderer;
    private bool _disposed;

    public EmailRenderer(ILoggerFactory loggerFactory)
    {
        // The templates need no app services; the site's default encoder would write every non-ASCII letter as an entity.
        _services = new ServiceCollection().AddSingleton(HtmlEncoder.Create(UnicodeRanges.All)).BuildServiceProvider();
        _renderer = new HtmlRenderer(_services, loggerFactory);
    }

    public Task<string> HtmlAsync(Type component, BookingEmailModel booking)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(BookingEmailComponent.Booking)] = booking });
            var output = await _renderer.RenderComponentAsync(component, parameters);
            return output.ToHtmlString();
        });
    }

    /// <summary>The renderer HTML-encodes each value once; a text template holds no markup and no entities of its own, so
    /// decoding once gives back exactly the text.</summary>
    public async Task<string> TextAsync(Type component, BookingEmailModel booking) =>
        WebUtility.HtmlDecode(await HtmlAsync(component, booking));

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
