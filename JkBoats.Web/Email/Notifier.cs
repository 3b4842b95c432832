using MailKit.Net.Smtp;
using JkBoats.Data.Email;

namespace JkBoats.Web.Email;

/// <summary>How the outbox worker tells a customer about an outbox row. Email is the one channel today; another (SMS) would be a
/// second implementation chosen here, without touching the worker.</summary>
public interface INotifier
{
    /// <summary>Builds and delivers the row's message. Throws <see cref="UnsendableEmailException"/> when it can never be sent and
    /// <see cref="DeliveryFailedException"/> when the channel refused or could not be reached.</summary>
    Task SendAsync(ClaimedEmail row, CancellationToken ct);

    /// <summary>Ends a batch: closes whatever connection the sends of the batch shared.</summary>
    Task CloseAsync();
}

/// <summary>The channel did not take the message. <see cref="Permanent"/>: retrying will not help (the recipient is refused);
/// <see cref="ChannelDown"/>: the channel itself is unreachable, so the rest of the batch need not be tried now.</summary>
public sealed class DeliveryFailedException(string reason, bool permanent, bool channelDown, Exception inner) : Exception(reason, inner)
{
    public bool Permanent { get; } = permanent;

    public bool ChannelDown { get; } = channelDown;
}

/// <summary>Booking and waiting-list emails (<see cref="BookingEmails"/>) over SMTP or the pickup folder (<see cref="IEmailTransport"/>).</summary>
public sealed class EmailNotifier(BookingEmails emails, IEmailTransport transport) : INotifier
{
    public async Task SendAsync(ClaimedEmail row, CancellationToken ct)
    {
        var message = await emails.BuildAsync(row, ct);
        try
        {
            await transport.SendAsync(message, ct);
        }
        catch (Exception e)
        {
            var (permanent, reason) = Classify(e);
            throw new DeliveryFailedException(reason, permanent, channelDown: e is not SmtpCommandException, e);
        }
    }

    public Task CloseAsync() => transport.CloseAsync();

    /// <summary>SMTP 5xx on the recipient or the message is permanent; everything else may pass.</summary>
    public static (bool Permanent, string Reason) Classify(Exception e) => e switch
    {
        // The server's reply text may quote the address, so only the codes are kept.
        SmtpCommandException smtp => (
            (int)smtp.StatusCode >= 500 && smtp.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted,
            $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode})"),
        _ => (false, $"{e.GetType().Name}: {e.Message}"),
    };
}
