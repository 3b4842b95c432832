using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Data.Email;

public sealed class ManageLinkOptions
{
    /// <summary>Secret for signing manage links. When empty, one is generated once and kept in app_secrets.</summary>
    public string? ManageLinkKey { get; set; }

    public string PublicBaseUrl { get; set; } = "http://localhost:5000";
}

/// <summary>Signed, unguessable links to one booking: base64url(booking id) "." base64url(HMAC-SHA256(key, booking id)).
/// Every instance and restart shares the key, so a link keeps working.</summary>
public sealed class ManageLinks(NpgsqlDataSource db, IOptions<ManageLinkOptions> options)
{
    public const string PathPrefix = "/bookings/manage/";
    public const string WaitlistPathPrefix = "/waitlist/";
    private const string KeyName = "manage_link_key";
    private const int MaxTokenLength = 100;

    private Task<byte[]>? _key;

    public async Task<string> TokenForAsync(Guid bookingId, CancellationToken ct)
    {
        var id = bookingId.ToByteArray(bigEndian: true);
        var mac = HMACSHA256.HashData(await KeyAsync(ct), id);
        return $"{Base64Url.EncodeToString(id)}.{Base64Url.EncodeToString(mac)}";
    }

    /// <summary>The key that opens a booking's printable confirmation (code and QR): HMAC-SHA256 over a purpose label and the id, so
    /// it differs from the manage token and shows the ticket without giving the power to change it.</summary>
    public async Task<string> ConfirmationKeyAsync(Guid bookingId, CancellationToken ct) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(await KeyAsync(ct), ConfirmationPayload(bookingId)));

    public async Task<bool> IsConfirmationKeyAsync(Guid bookingId, string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxTokenLength || !TryDecode(key, out var mac))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(await KeyAsync(ct), ConfirmationPayload(bookingId)), mac);
    }

    private static byte[] ConfirmationPayload(Guid bookingId) =>
        [.. "confirmation:"u8, .. bookingId.ToByteArray(bigEndian: true)];

    /// <summary>The link to a waiting-list entry (its place, an offer to confirm, leaving): the same scheme as a manage link, signed
    /// over a purpose label so neither kind of token opens the other.</summary>
    public async Task<string> WaitlistTokenForAsync(Guid entryId, CancellationToken ct)
    {
        var id = entryId.ToByteArray(bigEndian: true);
        return $"{Base64Url.EncodeToString(id)}.{Base64Url.EncodeToString(HMACSHA256.HashData(await KeyAsync(ct), WaitlistPayload(id)))}";
    }

    public async Task<Uri> WaitlistUrlForAsync(Guid entryId, CancellationToken ct) =>
        new($"{options.Value.PublicBaseUrl.TrimEnd('/')}{WaitlistPathPrefix}{await WaitlistTokenForAsync(entryId, ct)}");

    public async Task<Guid?> ReadWaitlistTokenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }
        var parts = token.Split('.');
        if (parts.Length != 2 || !TryDecode(parts[0], out var id) || id.Length != 16 || !TryDecode(parts[1], out var mac))
        {
            return null;
        }
        var expected = HMACSHA256.HashData(await KeyAsync(ct), WaitlistPayload(id));
        return CryptographicOperations.FixedTimeEquals(expected, mac) ? new Guid(id, bigEndian: true) : null;
    }

    private static byte[] WaitlistPayload(byte[] id) => [.. "waitlist:"u8, .. id];

    public async Task<Uri> UrlForAsync(Guid bookingId, CancellationToken ct) =>
        new($"{options.Value.PublicBaseUrl.TrimEnd('/')}{PathPrefix}{await TokenForAsync(bookingId, ct)}");

    public async Task<Guid?> ReadAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }
        var parts = token.Split('.');
        if (parts.Length != 2 || !TryDecode(parts[0], out var id) || id.Length != 16 || !TryDecode(parts[1], out var mac))
        {
            return null;
        }
        var expected = HMACSHA256.HashData(await KeyAsync(ct), id);
        return CryptographicOperations.FixedTimeEquals(expected, mac) ? new Guid(id, bigEndian: true) : null;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(text))
        {
            return false;
        }
        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }

    private Task<byte[]> KeyAsync(CancellationToken ct)
    {
        var configured = options.Value.ManageLinkKey;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Task.FromResult(Encoding.UTF8.GetBytes(configured));
        }
        var key = _key;
        if (key is null || key.IsFaulted || key.IsCanceled)
        {
            _key = key = LoadOrCreateKeyAsync(ct);
        }
        return key;
    }

    private async Task<byte[]> LoadOrCreateKeyAsync(CancellationToken ct)
    {
        const string create = "insert into app_secrets (name, value) values (@name, @value) on conflict (name) do nothing";
        const string read = "select value from app_secrets where name = @name";
        await using var connection = await db.OpenConnectionAsync(ct);
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await connection.ExecuteAsync(new CommandDefinition(create, new { name = KeyName, value = candidate }, cancellationToken: ct));
        var stored = await connection.ExecuteScalarAsync<string>(new CommandDefinition(read, new { name = KeyName }, cancellationToken: ct));
        return Convert.FromBase64String(stored!);
    }
}
