using Dapper;
using JkBoats.Data.Email;
using Npgsql;

namespace JkBoats.Data.Desk;

public sealed record NoEmailBooking(string ConfirmationCode, string FullName, string Phone);

public sealed record WeatherPlanView(string Reason, DateTime Deadline, string DefaultAction, string CreatedBy, DateTime CreatedAt, DateTime? DefaultedAt);

public sealed record WeatherChoiceRow(
    Guid BookingId, string ConfirmationCode, string FullName, string Phone, string? Email, int SeatsBooked, string BookingStatus, string State,
    DateTime? ChosenTime, string? ChosenBoat, string? DecidedBy, DateTime? DecidedAt);

public sealed record CancelImpact(int Bookings, int Passengers, int Emails, IReadOnlyList<NoEmailBooking> WithoutEmail);

public sealed record BoardRow(
    Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, DepartureStatus Status, int Capacity, int AvailableSeats,
    int CheckedInSeats, int Bookings, decimal PricePerSeat, int MaxPersons, int AvailablePersons, int CheckedInPersons)
{
    public int SoldSeats => Capacity - AvailableSeats;

    public int BookedPersons => MaxPersons - AvailablePersons;

    public bool CanSell(DateTime nowUtc) => Statuses.IsBookable(Status, DepartureTime, nowUtc) && AvailableSeats > 0;
}

/// <summary>One passenger of a confirmed booking, with what the desk needs of the booking (the lead's phone, the booker).</summary>
public sealed record ManifestPassenger(
    Guid PassengerId, Guid BookingId, int Position, string? FullName, string FareName, int? BirthYear, string? Needs, string? NeedsNote,
    DateTime? CheckedInAt, DateTime? NoShowAt, string ConfirmationCode, string BookedBy, string Phone, string? Email,
    DateTime? BookingCheckedInAt)
{
    public string DisplayName => FullName ?? $"Unnamed (booked by {BookedBy})";
}

public sealed record DeskBooking(
    Guid BookingId, string ConfirmationCode, BookingStatus Status, string FullName, string Phone, string? Email, int SeatsBooked,
    decimal TotalPrice, string Channel, DateTime? CheckedInAt, DateTime? CancelledAt, string? CancellationReason, DateTime CreatedAt,
    Guid DepartureId, DateTime DepartureTime, string Destination, string BoatName, DepartureStatus DepartureStatus);

/// <summary>What moving a booking would make of it: its passengers, and its new total at the target's fares (null when the target
/// does not sell one of its fares, which the move itself refuses).</summary>
public sealed record MoveQuote(int Passengers, decimal? NewTotal);

public sealed record BookingEmail(Guid Id, string Kind, string Status, int Attempts, string? LastError, DateTime? SentAt, DateTime CreatedAt);

public sealed class DeskRepository(NpgsqlDataSource db)
{
    public const int MaxSearchResults = 50;

    /// <summary>One board row per departure: seats sold, boarded and the booking count. Callers add where / group by.</summary>
    private const string BoardSelect = $"""
            select d.id as departure_id, d.departure_time, d.destination, b.name as boat_name, d.status, d.capacity, d.available_seats,
                   coalesce(sum(bk.seats_booked) filter (where bk.status = '{StatusSql.Confirmed}' and bk.checked_in_at is not null), 0)::int as checked_in_seats,
                   (count(bk.id) filter (where bk.status = '{StatusSql.Confirmed}'))::int as bookings,
                   d.price_per_seat, d.max_persons, d.available_persons,
                   (select count(*) from passengers p join bookings pb on pb.id = p.booking_id
                    where pb.departure_id = d.id and pb.status = '{StatusSql.Confirmed}' and p.checked_in_at is not null)::int as checked_in_persons
            from departures d
            join boats b on b.id = d.boat_id
            left join bookings bk on bk.departure_id = d.id
            """;

    public async Task<IReadOnlyList<BoardRow>> BoardAsync(DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        const string sql = BoardSelect + "\n" + """
            where d.departure_time >= @fromUtc and d.departure_time < @toUtc
            group by d.id, b.name
            order by d.departure_time, b.name
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BoardRow>(new CommandDefinition(sql, new { fromUtc, toUtc }, cancellationToken: ct))).AsList();
    }

    /// <summary>What cancelling a departure touches: its confirmed bookings and passengers, how many can be emailed, and the phones
    /// of those who cannot.</summary>
    public async Task<CancelImpact> CancelImpactAsync(Guid departureId, CancellationToken ct)
    {
        const string sql = $"""
            select count(*)::int as bookings, coalesce(sum(persons), 0)::int as passengers, (count(*) filter (where email is not null))::int as emails
            from bookings where departure_id = @departureId and status = '{StatusSql.Confirmed}';
            select confirmation_code, full_name, phone from bookings
            where departure_id = @departureId and status = '{StatusSql.Confirmed}' and email is null order by full_name;
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { departureId }, cancellationToken: ct));
        var (bookings, passengers, emails) = await results.ReadSingleAsync<(int, int, int)>();
        var noEmail = (await results.ReadAsync<NoEmailBooking>()).AsList();
        return new CancelImpact(bookings, passengers, emails, noEmail);
    }

    /// <summary>A weather plan and every booking's choice, those still waiting first.</summary>
    public async Task<(WeatherPlanView? Plan, IReadOnlyList<WeatherChoiceRow> Choices)> WeatherProgressAsync(Guid departureId, CancellationToken ct)
    {
        const string sql = """
            select reason, deadline, default_action, created_by, created_at, defaulted_at from weather_plans where departure_id = @departureId;
            select bk.id as booking_id, bk.confirmation_code, bk.full_name, bk.phone, bk.email, bk.seats_booked, bk.status as booking_status, c.state,
                   d.departure_time as chosen_time, bo.name as chosen_boat, c.decided_by, c.decided_at
            from weather_choices c
            join weather_plans p on p.id = c.plan_id
            join bookings bk on bk.id = c.booking_id
            left join departures d on d.id = c.chosen_departure_id
            left join boats bo on bo.id = d.boat_id
            where p.departure_id = @departureId
            order by c.state <> 'waiting', bk.email is not null, bk.full_name;
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new { departureId }, cancellationToken: ct));
        var plan = await results.ReadSingleOrDefaultAsync<WeatherPlanView>();
        var choices = (await results.ReadAsync<WeatherChoiceRow>()).AsList();
        return (plan, choices);
    }

    public async Task<BoardRow?> DepartureAsync(Guid departureId, CancellationToken ct)
    {
        const string sql = BoardSelect + "\n" + """
            where d.id = @departureId
            group by d.id, b.name
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BoardRow>(new CommandDefinition(sql, new { departureId }, cancellationToken: ct));
    }

    /// <summary>Every passenger of the departure's confirmed bookings, booking by booking (by the booker's name), lead first.</summary>
    public async Task<IReadOnlyList<ManifestPassenger>> ManifestAsync(Guid departureId, CancellationToken ct)
    {
        const string sql = $"""
            select p.id as passenger_id, p.booking_id, p.position::int as position, p.full_name, f.name as fare_name, p.birth_year::int as birth_year,
                   p.needs, p.needs_note, p.checked_in_at, p.no_show_at, bk.confirmation_code, bk.full_name as booked_by, bk.phone, bk.email,
                   bk.checked_in_at as booking_checked_in_at
            from passengers p
            join bookings bk on bk.id = p.booking_id
            join fare_types f on f.id = p.fare_type_id
            where bk.departure_id = @departureId and bk.status = '{StatusSql.Confirmed}'
            order by lower(bk.full_name), bk.created_at, bk.id, p.position
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ManifestPassenger>(new CommandDefinition(sql, new { departureId }, cancellationToken: ct))).AsList();
    }

    public async Task<DeskBooking?> GetAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DeskBooking>(new CommandDefinition(
            BookingSelect + " where bk.id = @bookingId", new { bookingId }, cancellationToken: ct));
    }

    public async Task<MoveQuote> MoveQuoteAsync(Guid bookingId, Guid targetDepartureId, CancellationToken ct)
    {
        const string sql = """
            select count(*)::int as passengers,
                   case when count(*) = count(df.price) then coalesce(sum(df.price), 0) end as new_total
            from passengers p
            left join departure_fares df on df.departure_id = @targetDepartureId and df.fare_type_id = p.fare_type_id
            where p.booking_id = @bookingId
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<MoveQuote>(new CommandDefinition(sql, new { bookingId, targetDepartureId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<DeskBooking>> SearchAsync(string text, CancellationToken ct)
    {
        var term = text.Trim();
        var pattern = "%" + EscapeLike(term) + "%";
        var digits = new string(term.Where(char.IsDigit).ToArray());
        const string where = """
             where bk.confirmation_code ilike @pattern
                or bk.email ilike @pattern
                or bk.full_name ilike @pattern
                or (length(@digits) >= 4 and bk.phone like '%' || @digits || '%')
             order by d.departure_time desc, bk.created_at desc
             limit @limit
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<DeskBooking>(new CommandDefinition(
            BookingSelect + where, new { pattern, digits, limit = MaxSearchResults }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<BookingEmail>> EmailsAsync(Guid bookingId, CancellationToken ct)
    {
        const string sql = """
            select id, kind, status, attempts, last_error, sent_at, created_at
            from email_outbox where booking_id = @bookingId order by created_at
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BookingEmail>(new CommandDefinition(sql, new { bookingId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Queues the booking's current confirmation again (or its cancellation, if cancelled); false when it has no email address.</summary>
    public async Task<bool> QueueResendAsync(Guid bookingId, CancellationToken ct)
    {
        const string sql = $"""
            insert into email_outbox (kind, booking_id, recipient)
            select case when status = '{StatusSql.Cancelled}' then '{EmailKinds.BookingCancelled}' else '{EmailKinds.BookingConfirmed}' end, id, email
            from bookings where id = @bookingId and email is not null
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { bookingId }, cancellationToken: ct)) == 1;
    }

    private const string BookingSelect = """
        select bk.id as booking_id, bk.confirmation_code, bk.status, bk.full_name, bk.phone, bk.email, bk.seats_booked, bk.total_price,
               bk.channel, bk.checked_in_at, bk.cancelled_at, bk.cancellation_reason, bk.created_at,
               d.id as departure_id, d.departure_time, d.destination, b.name as boat_name, d.status as departure_status
        from bookings bk
        join departures d on d.id = bk.departure_id
        join boats b on b.id = d.boat_id
        """;

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
