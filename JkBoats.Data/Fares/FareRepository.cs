using Dapper;
using JkBoats.Data.Departures;
using Npgsql;

namespace JkBoats.Data.Fares;

public sealed record FareTypeEdit(string Code, string Name, string? Description, bool TakesSeat, int SortOrder, bool IsActive);

public sealed record PriceListRow(string Destination, Guid FareTypeId, string Code, string Name, decimal? Price);

public enum FareEditResult
{
    Done,
    NotFound,
    DuplicateCode,
    AdultIsFixed,
}

/// <summary>Fare types, price lists per destination and prices per departure. Prices are read under the departure's lock when a
/// booking is decided; nothing here changes seats.</summary>
public sealed class FareRepository(NpgsqlDataSource db, ReadDataSource read)
{
    /// <summary>The active fares of the departures <c>@ids</c>, in the fare types' order.</summary>
    internal const string DepartureFaresSql = """
        select df.departure_id, f.id as fare_type_id, f.code, f.name, f.description, f.takes_seat, df.price, f.sort_order
        from departure_fares df
        join fare_types f on f.id = df.fare_type_id
        where df.departure_id = any(@ids) and f.is_active
        order by df.departure_id, f.sort_order, f.code
        """;

    private static readonly TimeSpan CatalogueFor = TimeSpan.FromSeconds(10);
    private Catalogue? _catalogue; // replaced whole, so a reader never sees half of an update

    private sealed record Catalogue(IReadOnlyList<FareType> Fares, long At);

    /// <summary>The fares on sale, from memory for up to 10 s: every booking request validates against them before it queues, and a
    /// read per request would compete for connections with the bookings themselves. The booking re-reads the departure's fares
    /// under its lock, so a fare taken off sale meanwhile is still refused.</summary>
    public async Task<IReadOnlyList<FareType>> FaresOnSaleAsync(CancellationToken ct)
    {
        if (_catalogue is { } cached && Environment.TickCount64 - cached.At < CatalogueFor.TotalMilliseconds)
        {
            return cached.Fares;
        }
        var fares = await ListFareTypesAsync(ct, activeOnly: true);
        _catalogue = new Catalogue(fares, Environment.TickCount64);
        return fares;
    }

    public async Task<IReadOnlyList<FareType>> ListFareTypesAsync(CancellationToken ct, bool activeOnly = false)
    {
        const string sql = """
            select id, code, name, description, takes_seat, sort_order, is_active
            from fare_types
            where is_active or not @activeOnly
            order by sort_order, code
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<FareType>(new CommandDefinition(sql, new { activeOnly }, cancellationToken: ct))).AsList();
    }

    /// <summary>The active fares each departure offers, cheapest rule first: in the fare types' order.</summary>
    public async Task<ILookup<Guid, DepartureFare>> DepartureFaresAsync(IReadOnlyCollection<Guid> departureIds, CancellationToken ct, ReadFrom from = ReadFrom.Replica)
    {
        const string sql = DepartureFaresSql;
        var ids = departureIds.Distinct().ToArray();
        if (ids.Length == 0)
        {
            return Array.Empty<DepartureFare>().ToLookup(f => f.DepartureId);
        }
        async Task<IReadOnlyList<DepartureFare>> Query(NpgsqlConnection connection) =>
            (await connection.QueryAsync<DepartureFare>(new CommandDefinition(sql, new { ids }, cancellationToken: ct))).AsList();
        IReadOnlyList<DepartureFare> rows;
        if (from == ReadFrom.Replica)
        {
            rows = await read.ReadAsync(Query, ct);
        }
        else
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            rows = await Query(connection);
        }
        return rows.ToLookup(f => f.DepartureId);
    }

    public async Task<(FareEditResult Result, Guid? Id)> SaveFareTypeAsync(Guid? id, FareTypeEdit edit, CancellationToken ct)
    {
        _catalogue = null;
        await using var connection = await db.OpenConnectionAsync(ct);
        var clash = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from fare_types where code = @Code and id is distinct from @id)", new { edit.Code, id }, cancellationToken: ct));
        if (clash)
        {
            return (FareEditResult.DuplicateCode, null);
        }
        if (id is null)
        {
            const string insert = """
                insert into fare_types (code, name, description, takes_seat, sort_order, is_active)
                values (@Code, @Name, @Description, @TakesSeat, @SortOrder, @IsActive)
                returning id
                """;
            return (FareEditResult.Done, await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(insert, edit, cancellationToken: ct)));
        }
        var current = await connection.QuerySingleOrDefaultAsync<FareType>(new CommandDefinition(
            "select id, code, name, description, takes_seat, sort_order, is_active from fare_types where id = @id", new { id }, cancellationToken: ct));
        if (current is null)
        {
            return (FareEditResult.NotFound, null);
        }
        if (current.Code == FareType.Adult && (edit.Code != FareType.Adult || !edit.TakesSeat || !edit.IsActive))
        {
            return (FareEditResult.AdultIsFixed, id);
        }
        // A passenger keeps the seat rule of the fare it was sold under (passengers.takes_seat), so changing it touches no booking.
        const string update = """
            update fare_types
            set code = @Code, name = @Name, description = @Description, takes_seat = @TakesSeat, sort_order = @SortOrder,
                is_active = @IsActive, updated_at = now()
            where id = @Id
            """;
        await connection.ExecuteAsync(new CommandDefinition(update, new
        {
            Id = id, edit.Code, edit.Name, edit.Description, edit.TakesSeat, edit.SortOrder, edit.IsActive,
        }, cancellationToken: ct));
        return (FareEditResult.Done, id);
    }

    /// <summary>Every fare type against every destination that has departures or a price list; a missing price means "not sold there".</summary>
    public async Task<IReadOnlyList<PriceListRow>> PriceListsAsync(CancellationToken ct)
    {
        const string sql = """
            with destinations as (
                select min(destination) as destination from (
                    select destination from departures union all select destination from destination_fares) d
                group by lower(destination)
            )
            select dest.destination, f.id as fare_type_id, f.code, f.name, df.price
            from destinations dest
            cross join fare_types f
            left join destination_fares df on df.fare_type_id = f.id and lower(df.destination) = lower(dest.destination)
            order by lower(dest.destination), f.sort_order, f.code
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PriceListRow>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    /// <summary>Sets one destination's price list for departures created from now on; a null price stops selling the fare there.</summary>
    public async Task SetPriceListAsync(string destination, IReadOnlyDictionary<Guid, decimal?> prices, CancellationToken ct)
    {
        const string sql = """
            delete from destination_fares where lower(destination) = lower(@destination) and fare_type_id = any(@cleared);
            insert into destination_fares (destination, fare_type_id, price)
            select @destination, p.fare_type_id, p.price from unnest(@ids::uuid[], @values::numeric[]) as p(fare_type_id, price)
            on conflict ((lower(destination)), fare_type_id) do update set price = excluded.price, updated_at = now();
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            destination,
            cleared = prices.Where(p => p.Value is null).Select(p => p.Key).ToArray(),
            ids = prices.Where(p => p.Value is not null).Select(p => p.Key).ToArray(),
            values = prices.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>Every fare type with its price on one departure (null: not sold on it).</summary>
    public async Task<IReadOnlyList<PriceListRow>> DeparturePricesAsync(Guid departureId, CancellationToken ct)
    {
        const string sql = """
            select d.destination, f.id as fare_type_id, f.code, f.name, df.price
            from departures d
            cross join fare_types f
            left join departure_fares df on df.departure_id = d.id and df.fare_type_id = f.id
            where d.id = @departureId
            order by f.sort_order, f.code
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PriceListRow>(new CommandDefinition(sql, new { departureId }, cancellationToken: ct))).AsList();
    }
}
