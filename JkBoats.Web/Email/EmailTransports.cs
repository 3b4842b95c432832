using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JkBoats.Web.Email;

public interface IEmailTransport : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken ct);

    Task CloseAsync();
}

/// <summary>One SMTP session per batch: connected on the first send, closed by CloseAsync or after any failure.</summary>
public sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport
{
    private SmtpClient? _client;

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        try
        {
            var client = await ConnectedClientAsync(ct);
            await client.SendAsync(message, ct);
        }
        catch
        {
            Drop();
            throw;
        }
    }

    public async Task CloseAsync()
    {
        if (_client is { IsConnected: true } client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(options.Value.Smtp.Timeout);
                await client.DisconnectAsync(quit: true, timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SmtpProtocolException or SmtpCommandException)
            {
                // The messages are already accepted; a failed goodbye changes nothing.
            }
        }
        Drop();
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task<SmtpClient> ConnectedClientAsync(CancellationToken ct)
    {
        if (_client is { IsConnected: true } connected)
        {
            return connected;
        }
        Drop();
        var smtp = options.Value.Smtp;
        var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        _client = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(smtp.Timeout);
        await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.UseTls switch
        {
            SmtpTls.StartTls => SecureSocketOptions.StartTls,
            SmtpTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpTls.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.Auto,
        }, timeout.Token);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", timeout.Token);
        }
        return client;
    }

    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }
}

/// <summary>Writes each message as &lt;message id&gt;.eml, so a resend overwrites its earlier copy.</summary>
public sealed class PickupDirectoryTransport(IOptions<EmailOptions> options) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var folder = options.Value.FullPickupDirectory;
        Directory.CreateDirectory(folder);
        var name = string.Concat((message.MessageId ?? Guid.NewGuid().ToString("N")).Split(Path.GetInvalidFileNameChars()));
        var path = Path.Combine(folder, $"{name}.eml");
        var temporary = path + ".tmp";
        await message.WriteToAsync(temporary, ct);
        File.Move(temporary, path, overwrite: true);
    }

    public Task CloseAsync() => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
