using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace JkBoats.Tests.Email;

/// <summary>A small real SMTP server on loopback: enough of RFC 5321 for MailKit (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
/// QUIT). It records every RCPT attempt and every accepted message, and can answer RCPT with any reply code.</summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public sealed record Delivery(MimeMessage Message, IReadOnlyList<string> Recipients, DateTime ReceivedAt);

    public sealed record RecipientAttempt(string Address, int Reply, DateTime At);

    private static readonly Encoding Wire = Encoding.Latin1;

    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentQueue<RecipientAttempt> _recipientAttempts = new();
    private readonly ConcurrentDictionary<string, int> _attemptsByAddress = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Task, bool> _sessions = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stopping;
    private Task? _acceptLoop;

    private SmtpTestServer(int port) => Port = port;

    public int Port { get; private set; }

    /// <summary>Reply code for a RCPT given the address and how many times it was tried (1 = first); null accepts it.</summary>
    public Func<string, int, int?> RecipientReply { get; set; } = (_, _) => null;

    public TimeSpan DataDelay { get; set; } = TimeSpan.Zero;

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    public IReadOnlyList<RecipientAttempt> RecipientAttempts => [.. _recipientAttempts];

    public bool IsRunning => _listener is not null;

    public static SmtpTestServer Start()
    {
        var server = new SmtpTestServer(0);
        server.Listen();
        return server;
    }

    /// <summary>A server that is not listening yet, on a port nobody listens on: connections are refused until StartAgain.</summary>
    public static SmtpTestServer Stopped()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new SmtpTestServer(port);
    }

    public void StartAgain() => Listen();

    public IReadOnlyList<Delivery> DeliveriesTo(string address) =>
        Deliveries.Where(d => d.Recipients.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    public IReadOnlyList<RecipientAttempt> AttemptsFor(string address) =>
        RecipientAttempts.Where(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)).ToList();

    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }
        _stopping!.Cancel();
        _listener.Stop();
        _listener = null;
        await _acceptLoop!.ConfigureAwait(false);
        await Task.WhenAll(_sessions.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _stopping = new CancellationTokenSource();
        var ct = _stopping.Token;
        _acceptLoop = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(ct);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                var session = Task.Run(() => ServeAsync(client, ct));
                _sessions[session] = true;
                _ = session.ContinueWith(done => _sessions.TryRemove(done, out _), TaskScheduler.Default);
            }
        });
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Wire);
            await using var writer = new StreamWriter(stream, Wire) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost test SMTP ready");
            var recipients = new List<string>();
            var hasSender = false;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "MAIL":
                        hasSender = true;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        var address = AddressIn(line);
                        var attempt = _attemptsByAddress.AddOrUpdate(address, 1, (_, n) => n + 1);
                        var reply = RecipientReply(address, attempt) ?? 250;
                        _recipientAttempts.Enqueue(new RecipientAttempt(address, reply, DateTime.UtcNow));
                        if (reply == 250)
                        {
                            recipients.Add(address);
                            await writer.WriteLineAsync("250 2.1.5 OK");
                        }
                        else if (reply == 421)
                        {
                            await writer.WriteLineAsync("421 4.3.2 Service not available, closing channel");
                            return;
                        }
                        else
                        {
                            await writer.WriteLineAsync(reply >= 500 ? $"{reply} 5.1.1 Mailbox unavailable" : $"{reply} 4.3.0 Try again later");
                        }
                        break;
                    case "DATA":
                        if (!hasSender || recipients.Count == 0)
                        {
                            await writer.WriteLineAsync("503 5.5.1 Need MAIL and RCPT first");
                            break;
                        }
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(ct) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                        }
                        if (DataDelay > TimeSpan.Zero)
                        {
                            await Task.Delay(DataDelay, ct);
                        }
                        var message = await MimeMessage.LoadAsync(new MemoryStream(Wire.GetBytes(data.ToString())), ct);
                        _deliveries.Enqueue(new Delivery(message, [.. recipients], DateTime.UtcNow));
                        await writer.WriteLineAsync("250 2.0.0 OK queued");
                        hasSender = false;
                        recipients.Clear();
                        break;
                    case "RSET":
                        hasSender = false;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client went away or the server is stopping.
        }
    }

    private static string AddressIn(string line)
    {
        var start = line.IndexOf('<');
        var end = line.IndexOf('>', start + 1);
        return start >= 0 && end > start ? line[(start + 1)..end] : line;
    }
}
