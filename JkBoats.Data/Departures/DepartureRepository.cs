using Dapper;
using JkBoats.Data.Fares;
using Npgsql;

namespace JkBoats.Data.Departures;

public sealed record DepartureSearch(string? Destination, DateTime FromUtc, DateTime ToUtc, int Limit = 500);

public sealed record DepartureListing(
    Guid DepartureId,
    Guid BoatId,
    string BoatName,
    int Capacity,
    int AvailableSeats,
    bool HasAc,
    decimal PricePerSeat,
    DateTime DepartureTime,
    string Destination,
    DepartureStatus Status,
    int MaxPersons,
    int AvailablePersons)
{
    public bool IsBookable(DateTime nowUtc) => Statuses.IsBookable(Status, DepartureTime, nowUtc);
}

public sealed record DepartureSeats(Guid DepartureId, int Capacity, int AvailableSeats, DepartureStatus Status, DateTime DepartureTime)
{
    public bool IsBookable(DateTime nowUtc) => Statuses.IsBookable(Status, DepartureTime, nowUtc);
}

public enum ReadFrom
{
    Replica,
    Primary,
}

/// <summary>Public listings may read a replica a moment behind; nothing here books: a booking re-checks on the primary under its lock.</summary>
public sealed class DepartureRepository(NpgsqlDataSource db, ReadDataSource read)
{
    private async Task<T> ReadAsync<T>(ReadFrom from, Func<NpgsqlConnection, Task<T>> query, CancellationToken ct)
    {
        if (from == ReadFrom.Replica) return await read.ReadAsync(query, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        return await query(connection);
    }

    /// <summary>Scheduled departures in [FromUtc, ToUtc), in departure order.</summary>
    public async Task<IReadOnlyList<DepartureListing>> SearchAsync(DepartureSearch search, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        return await ReadAsync<IReadOnlyList<DepartureListing>>(from, async connection =>
            (await connection.QueryAsync<DepartureListing>(new CommandDefinition(SearchSql(search), search, cancellationToken: ct))).AsList(), ct);
    }

    /// <summary>The listing page's two reads in one round trip on one connection: the destinations with a scheduled departure
    /// from <paramref name="destinationsFromUtc"/> (as <see cref="ListDestinationsAsync"/>) and <see cref="SearchAsync"/>.</summary>
    public async Task<(IReadOnlyList<string> Destinations, IReadOnlyList<DepartureListing> Departures)> ListingAsync(
        DepartureSearch search, DateTime destinationsFromUtc, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        return await ReadAsync(from, async connection =>
        {
            await using var reads = await connection.QueryMultipleAsync(new CommandDefinition(
                DestinationsSql + ";\n" + SearchSql(search), search, cancellationToken: ct));
            var destinations = Upcoming(await reads.ReadAsync<DestinationLast>(), destinationsFromUtc);
            var departures = (await reads.ReadAsync<DepartureListing>()).AsList();
            return (destinations, (IReadOnlyList<DepartureListing>)departures);
        }, ct);
    }

    /// <summary>A <see cref="DepartureListing"/>'s columns and tables, for every query that reads one.</summary>
    private const string ListingFrom = """
        select d.id as departure_id, b.id as boat_id, b.name as boat_name, d.capacity, d.available_seats,
               b.has_ac, d.price_per_seat, d.departure_time, d.destination, d.status, d.max_persons, d.available_persons
        from departures d
        join boats b on b.id = d.boat_id
        """;

    // Two statements, not one with "(@Destination is null or …)": PostgreSQL plans that form afresh on every run (no generic plan
    // is ever cheaper than its custom one), which cost more than running it; each of these settles on its cached generic plan.
    private const string SearchByDestinationSql = $"""
            {ListingFrom}
            where lower(d.destination) = lower(@Destination) and d.departure_time >= @FromUtc and d.departure_time < @ToUtc
              and d.status = '{StatusSql.Scheduled}'
            order by d.departure_time, b.name
            limit @Limit
            """;

    private const string SearchAllSql = $"""
            {ListingFrom}
            where d.departure_time >= @FromUtc and d.departure_time < @ToUtc
              and d.status = '{StatusSql.Scheduled}'
            order by d.departure_time, b.name
            limit @Limit
            """;

    private static string SearchSql(DepartureSearch search) => search.Destination is null ? SearchAllSql : SearchByDestinationSql;

    /// <summary><see cref="SearchAsync"/> with each departure's fares, in one read: one (replica) connection for both queries.</summary>
    public async Task<(IReadOnlyList<DepartureListing> Departures, ILookup<Guid, DepartureFare> Fares)> SearchWithFaresAsync(
        DepartureSearch search, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        return await ReadAsync(from, async connection =>
        {
            var departures = (await connection.QueryAsync<DepartureListing>(new CommandDefinition(SearchSql(search), search, cancellationToken: ct))).AsList();
            var ids = departures.Select(d => d.DepartureId).ToArray();
            var fares = (await connection.QueryAsync<DepartureFare>(new CommandDefinition(FareRepository.DepartureFaresSql, new { ids }, cancellationToken: ct)))
                .ToLookup(f => f.DepartureId);
            return ((IReadOnlyList<DepartureListing>)departures, fares);
        }, ct);
    }

    public async Task<DepartureListing?> GetAsync(Guid departureId, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        const string sql = $"""
            {ListingFrom}
            where d.id = @departureId
            """;
        return await ReadAsync(from, connection =>
            connection.QuerySingleOrDefaultAsync<DepartureListing>(new CommandDefinition(sql, new { departureId }, cancellationToken: ct)), ct);
    }

    /// <summary>Why a cancelled departure was cancelled (as the operator told its customers); null when it is not cancelled.</summary>
    public async Task<string?> CancellationReasonAsync(Guid departureId, CancellationToken ct) =>
        await ReadAsync(ReadFrom.Replica, connection => connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            $"select cancellation_reason from departures where id = @departureId and status = '{StatusSql.Cancelled}'",
            new { departureId }, cancellationToken: ct)), ct);

    /// <summary>The next bookable departures to a destination after a time (the alternatives to a cancelled or past one).</summary>
    public async Task<IReadOnlyList<DepartureListing>> NextToAsync(string destination, DateTime afterUtc, Guid except, int limit, CancellationToken ct)
    {
        const string sql = $"""
            {ListingFrom}
            where lower(d.destination) = lower(@destination) and d.status = '{StatusSql.Scheduled}' and d.departure_time > @afterUtc
              and d.id <> @except and d.available_seats > 0
            order by d.departure_time
            limit @limit
            """;
        return await ReadAsync<IReadOnlyList<DepartureListing>>(ReadFrom.Replica, async connection =>
            (await connection.QueryAsync<DepartureListing>(new CommandDefinition(sql, new { destination, afterUtc, except, limit }, cancellationToken: ct))).AsList(), ct);
    }

    /// <summary>Destination names with a scheduled departure at or after <paramref name="fromUtc"/>, in name order.</summary>
    public async Task<IReadOnlyList<string>> ListDestinationsAsync(DateTime fromUtc, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        return await ReadAsync(from, async connection =>
            Upcoming(await connection.QueryAsync<DestinationLast>(new CommandDefinition(DestinationsSql, cancellationToken: ct)), fromUtc), ct);
    }

    private sealed record DestinationLast(string Destination, DateTime LastDeparture);

    private static IReadOnlyList<string> Upcoming(IEnumerable<DestinationLast> destinations, DateTime fromUtc) =>
        destinations.Where(d => d.LastDeparture >= fromUtc).Select(d => d.Destination).ToList();

    // Every destination name with its last scheduled departure, as triggers on departures keep them (M202612032000): a few
    // rows, however long the schedule. Grouping every upcoming departure instead cost 6 ms a listing at 14,600 departures and
    // grew with the data. It takes no parameter ("from" is applied to the rows), so PostgreSQL plans it once per connection.
    // A name written in several cases shows as its last scheduled departure writes it.
    private const string DestinationsSql = """
            select destination, last_departure from destination_names order by destination
            """;

    /// <summary>The first local-day start of a scheduled departure at or after the given instant, for "next date with departures".</summary>
    public async Task<DateTime?> NextDepartureTimeAsync(string? destination, DateTime fromUtc, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        const string sql = $"""
            select min(departure_time)
            from departures
            where departure_time >= @fromUtc and status = '{StatusSql.Scheduled}' and available_seats > 0
              and (@destination::text is null or lower(destination) = lower(@destination::text))
            """;
        return await ReadAsync(from, connection =>
            connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(sql, new { destination, fromUtc }, cancellationToken: ct)), ct);
    }

    /// <summary>Seat counts of the given departures (unknown ids are left out), in no particular order.</summary>
    public async Task<IReadOnlyList<DepartureSeats>> GetSeatsAsync(IReadOnlyCollection<Guid> departureIds, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        const string sql = """
            select d.id as departure_id, d.capacity, d.available_seats, d.status, d.departure_time
            from departures d
            where d.id = any(@ids)
            """;
        var ids = departureIds.ToArray();
        return await ReadAsync<IReadOnlyList<DepartureSeats>>(from, async connection =>
            (await connection.QueryAsync<DepartureSeats>(new CommandDefinition(sql, new { ids }, cancellationToken: ct))).AsList(), ct);
    }
}
