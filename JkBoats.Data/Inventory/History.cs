using Dapper;

namespace JkBoats.Data.Inventory;

/// <summary>The stored words of <c>booking_events.kind</c>: one for every kind of change a booking goes through.</summary>
public static class BookingEventKind
{
    public const string Created = "created";
    public const string Paid = "paid";
    public const string Refunded = "refunded";
    public const string CheckedIn = "checked_in";
    public const string CheckInUndone = "check_in_undone";
    public const string NoShow = "no_show";
    public const string NoShowUndone = "no_show_undone";
    public const string Moved = "moved";
    public const string PassengersRemoved = "passengers_removed";
    public const string NamesCorrected = "names_corrected";
    public const string Cancelled = StatusSql.Cancelled;
    public const string DepartureChanged = "departure_changed";
    public const string WeatherChoiceOffered = "weather_choice_offered";
    public const string EmailSent = "email_sent";
}

/// <summary>One line of a booking's history: what happened, who did it (a staff member's email, "customer", "system"...) and a
/// sentence for the staff booking page.</summary>
public sealed record BookingEvent(Guid BookingId, string Kind, string Actor, string Summary)
{
    /// <summary>"1 seat", "3 seats": the history's counts.</summary>
    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>The history's amounts, "75.00": the same in every locale (the pages format money, the history records it).</summary>
    internal static string Money(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed partial class LockScope
{
    /// <summary>Appends history rows in this transaction: they commit with the change they describe, or not at all.</summary>
    public Task RecordAsync(IReadOnlyCollection<BookingEvent> events)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        const string sql = """
            insert into booking_events (booking_id, kind, actor, summary)
            select * from unnest(@ids::uuid[], @kinds::text[], @actors::text[], @summaries::text[])
            """;
        return Connection.ExecuteAsync(Command(sql, new
        {
            ids = events.Select(e => e.BookingId).ToArray(),
            kinds = events.Select(e => e.Kind).ToArray(),
            actors = events.Select(e => Trim(e.Actor, 254)).ToArray(),
            summaries = events.Select(e => Trim(e.Summary, 1000)).ToArray(),
        }));
    }

    public Task RecordAsync(Guid bookingId, string kind, string actor, string summary) =>
        RecordAsync([new BookingEvent(bookingId, kind, actor, summary)]);

    /// <summary>The same event for several bookings (a departure cancelled, its time changed...).</summary>
    public Task RecordAsync(IEnumerable<Guid> bookingIds, string kind, string actor, string summary) =>
        RecordAsync(bookingIds.Select(id => new BookingEvent(id, kind, actor, summary)).ToList());

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
