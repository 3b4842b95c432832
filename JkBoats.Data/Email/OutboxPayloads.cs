using System.Text.Json;

namespace JkBoats.Data.Email;

/// <summary>What a passenger sees of a departure: a change to any of it is worth an email.</summary>
public sealed record DepartureFacts(DateTime DepartureTime, string BoatName, string Destination);

/// <summary>The payload of a departure_changed row: the departure as it was and as it became in that one edit.</summary>
public sealed record DepartureChangedPayload(Guid DepartureId, DepartureFacts Old, DepartureFacts New);

/// <summary>The payload of a booking_reminder row: the departure time it reminds of (part of its once-only key).</summary>
public sealed record ReminderPayload(DateTime DepartureTime);

/// <summary>A weather cancellation's choice: why, and until when the passenger can choose before the default applies.</summary>
public sealed record WeatherChoicePayload(string Reason, DateTime DeadlineUtc, string DefaultAction);

/// <summary>The one JSON shape of email_outbox.payload (snake_case), written by the transactions that queue rows and read by the
/// emails built from them.</summary>
public static class OutboxPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Write<T>(T payload) => JsonSerializer.Serialize(payload, Json);

    public static T? Read<T>(string? json) where T : class => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<T>(json, Json);
}
