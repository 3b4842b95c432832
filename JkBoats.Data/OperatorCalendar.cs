using Microsoft.Extensions.Options;

namespace JkBoats.Data;

public sealed class OperatorCalendar(IOptions<JkBoatsOptions> options, TimeProvider clock)
{
    public TimeZoneInfo TimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    public DateOnly Today => DateOnly.FromDateTime(ToLocal(UtcNow));

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);

    public DateTime StartOfDayUtc(DateOnly day) => LocalToUtc(day.ToDateTime(TimeOnly.MinValue));

    public DateTime LocalToUtc(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A wall-clock time skipped by a DST jump does not exist; take the first real moment after it.
        while (TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }
}
