using Dapper;
using Npgsql;

namespace JkBoats.Data.Bookings;

/// <summary>What a look-up by email or phone may show: booking facts, never a name, email or phone, and the confirmation code
/// masked (<see cref="Bookings.ConfirmationCode.Mask"/>), because whoever knows a phone number must not be able to board.</summary>
public sealed record BookingSummary(
    Guid BookingId,
    string MaskedCode,
    DateTime DepartureTime,
    string Destination,
    string BoatName,
    int SeatsBooked,
    decimal TotalPrice,
    BookingStatus Status,
    DateTime CreatedAt,
    string? FareCounts = null);

/// <summary>Booking reads. Find-my-booking look-ups read from <see cref="ReadDataSource"/> (a replica when configured); a single
/// booking (confirmation page, manage link, emails) reads from the primary, so it is there right after it was made.</summary>
/// <summary>A departure a booking can move to, and the booking's total there.</summary>
public sealed record MoveOption(Guid DepartureId, DateTime DepartureTime, string BoatName, int AvailableSeats, decimal TotalPrice);

/// <summary>An open weather choice: the departure was cancelled and the booking waits for its passenger to pick one of the offered
/// departures (<see cref="Options"/>, in the admin's order, with seats left now) or to cancel, before <see cref="DeadlineUtc"/>.</summary>
public sealed record WeatherChoiceOffer(string Reason, DateTime DeadlineUtc, string DefaultAction)
{
    public IReadOnlyList<WeatherOption> Options { get; init; } = [];
}

public sealed record WeatherOption(Guid DepartureId, DateTime DepartureTime, string BoatName, string Destination, int AvailableSeats, bool Bookable);

public sealed class BookingRepository(NpgsqlDataSource db, ReadDataSource read)
{
    /// <summary>The booking's open weather choice, or null (none, or already decided).</summary>
    public async Task<WeatherChoiceOffer?> WeatherChoiceAsync(Guid bookingId, DateTime nowUtc, CancellationToken ct)
    {
        const string sql = $$"""
            select p.id as plan_id, p.reason, p.deadline, p.default_action
            from weather_choices c
            join weather_plans p on p.id = c.plan_id
            join bookings b on b.id = c.booking_id
            where c.booking_id = @bookingId and c.state = 'waiting' and b.departure_id = p.departure_id and b.status = '{{StatusSql.Confirmed}}';

            select d.id as departure_id, d.departure_time, bo.name as boat_name, d.destination, d.available_seats,
                   (d.status = '{{StatusSql.Scheduled}}' and d.departure_time > @nowUtc) as bookable
            from weather_choices c
            join weather_plan_options o on o.plan_id = c.plan_id
            join departures d on d.id = o.departure_id
            join boats bo on bo.id = d.boat_id
            where c.booking_id = @bookingId and c.state = 'waiting'
            order by o.position;
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { bookingId, nowUtc }, cancellationToken: ct));
        var plan = await results.ReadSingleOrDefaultAsync<(Guid PlanId, string Reason, DateTime Deadline, string DefaultAction)?>();
        var options = (await results.ReadAsync<WeatherOption>()).AsList();
        return plan is { } p ? new WeatherChoiceOffer(p.Reason, p.Deadline, p.DefaultAction) { Options = options } : null;
    }

    private const int MaxLookupResults = 100;

    /// <summary>Bookings made with this (normalised) email: upcoming first by departure, then past, latest first; destination and
    /// fare names in <paramref name="language"/> where the operator gave them.</summary>
    public Task<IReadOnlyList<BookingSummary>> FindByEmailAsync(string email, DateTime nowUtc, CancellationToken ct, string? language = null) =>
        FindAsync(email, phone: null, nowUtc, language, ct);

    public Task<IReadOnlyList<BookingSummary>> FindByPhoneAsync(string phone, DateTime nowUtc, CancellationToken ct, string? language = null) =>
        FindAsync(email: null, phone, nowUtc, language, ct);

    public async Task<BookingConfirmation?> GetAsync(Guid bookingId, CancellationToken ct)
    {
        const string sql = $"""
            select bk.id as booking_id, bk.confirmation_code, bk.status, bk.departure_id, b.name as boat_name,
                   d.departure_time, d.destination, bk.seats_booked, bk.total_price, bk.email, bk.full_name,
                   bk.phone, bk.created_at, bk.language
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            where bk.id = @bookingId;

            select p.position::int as position, f.code as fare, f.name as fare_name, p.takes_seat, p.full_name, p.price
            from passengers p join fare_types f on f.id = p.fare_type_id
            where p.booking_id = @bookingId
            order by p.position;

            select bk.changed_by = '{BookingCancellation.Customer}' as by_customer, bk.cancellation_reason as reason,
                   coalesce(bk.cancelled_at, bk.updated_at) as cancelled_at
            from bookings bk where bk.id = @bookingId and bk.status = '{StatusSql.Cancelled}';
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { bookingId }, cancellationToken: ct));
        var booking = await results.ReadSingleOrDefaultAsync<BookingConfirmation>();
        var passengers = (await results.ReadAsync<BookedPassenger>()).AsList();
        var cancellation = await results.ReadSingleOrDefaultAsync<BookingCancellation>();
        return booking is null ? null : booking with { Passengers = passengers, Cancellation = cancellation };
    }

    /// <summary>Departures a booking could move to: the same destination, scheduled, leaving after <paramref name="afterUtc"/>, with
    /// the seats and places the party needs and a price for every passenger's fare; each with what the booking would cost there.</summary>
    public async Task<IReadOnlyList<MoveOption>> MoveOptionsAsync(Guid bookingId, DateTime afterUtc, int limit, CancellationToken ct)
    {
        const string sql = $$"""
            select d.id as departure_id, d.departure_time, b.name as boat_name, d.available_seats,
                   sum(df.price) as total_price
            from bookings bk
            join departures src on src.id = bk.departure_id
            join departures d on lower(d.destination) = lower(src.destination) and d.id <> src.id
            join boats b on b.id = d.boat_id
            join passengers p on p.booking_id = bk.id
            left join departure_fares df on df.departure_id = d.id and df.fare_type_id = p.fare_type_id
                and exists (select 1 from fare_types f where f.id = df.fare_type_id and f.is_active)
            where bk.id = @bookingId and d.status = '{{StatusSql.Scheduled}}' and d.departure_time > @afterUtc
              and d.available_seats >= bk.seats_booked and d.available_persons >= bk.persons
            group by d.id, d.departure_time, b.name, d.available_seats
            having count(df.price) = count(*)
            order by d.departure_time
            limit @limit
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<MoveOption>(new CommandDefinition(sql, new { bookingId, afterUtc, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>"Adult × 2, Child × 1": the passengers of a booking counted per fare, without names, in the language <c>@language</c>
    /// where the fare has a name in it.</summary>
    internal const string FareCountsSql = """
        (select string_agg(c.name || ' × ' || c.n, ', ' order by c.sort_order)
         from (select coalesce(nullif(t.name, ''), f.name) as name, f.sort_order, count(*) as n
               from passengers p join fare_types f on f.id = p.fare_type_id
               left join fare_type_texts t on t.fare_type_id = f.id and t.language = @language
               where p.booking_id = bk.id group by 1, f.sort_order) c)
        """;

    public async Task<string?> CancellationReasonAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"select cancellation_reason from bookings where id = @bookingId and status = '{StatusSql.Cancelled}'", new { bookingId }, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<BookingSummary>> FindAsync(string? email, string? phone, DateTime nowUtc, string? language, CancellationToken ct)
    {
        const string sql = $"""
            select bk.id as booking_id, bk.confirmation_code as masked_code, d.departure_time,
                   coalesce(nullif(dt.name, ''), d.destination) as destination, b.name as boat_name,
                   bk.seats_booked, bk.total_price, bk.status, bk.created_at, {FareCountsSql} as fare_counts
            from bookings bk
            join departures d on d.id = bk.departure_id
            join boats b on b.id = d.boat_id
            left join destination_texts dt on lower(dt.destination) = lower(d.destination) and dt.language = @language
            where (@email::text is null or lower(bk.email) = lower(@email::text))
              and (@phone::text is null or bk.phone = @phone::text)
            order by (d.departure_time < @nowUtc),
                     case when d.departure_time >= @nowUtc then d.departure_time end,
                     d.departure_time desc
            limit @limit
            """;
        return await read.ReadAsync<IReadOnlyList<BookingSummary>>(async connection => (await connection.QueryAsync<BookingSummary>(
            new CommandDefinition(sql, new { email, phone, nowUtc, language, limit = MaxLookupResults }, cancellationToken: ct)))
            .Select(row => row with { MaskedCode = ConfirmationCode.Mask(row.MaskedCode) }).ToList(), ct);
    }
}
