using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace JkBoats.Data.Content;

/// <summary>A destination's texts as an admin edits them for one language.</summary>
public sealed record DestinationTextEdit(string Destination, string? Name, string? Description);

/// <summary>A fare type's texts as an admin edits them for one language.</summary>
public sealed record FareTextEdit(Guid FareTypeId, string? Name, string? Description);

/// <summary>What the translations page edits: every destination (with departures or a price list) and fare type with its default
/// texts, and the texts of every language there are.</summary>
public sealed record ContentForEditing(
    IReadOnlyList<string> Destinations,
    IReadOnlyDictionary<string, string> DefaultDescriptions,
    IReadOnlyList<(Guid Id, string Code, string Name, string? Description)> Fares,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, LocalText>> DestinationTexts,
    IReadOnlyDictionary<string, IReadOnlyDictionary<Guid, LocalText>> FareTexts,
    IReadOnlyDictionary<string, OperatorTexts> OperatorTexts);

/// <summary>The operator's content per language (destination, fare and operator texts). Every customer page shows some of it, so
/// all languages' texts (a few small tables) are kept in memory like the operator details: re-read in the background once older
/// than <see cref="KeptFor"/>, at once after an edit in this process, and when the database cannot be reached the last known texts
/// (or none: the default language's) are shown instead of failing the page.</summary>
public sealed class ContentRepository(NpgsqlDataSource db, ILogger<ContentRepository> log, TimeProvider? clock = null)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(5);

    public const int MaxDestinationName = 200;
    public const int MaxDestinationDescription = 1000;
    public const int MaxFareName = 50;
    public const int MaxFareDescription = 200;
    public const int MaxPierAddress = 300;
    public const int MaxOpeningHours = 300;
    public const int MaxCancellationPolicy = 1000;

    private sealed record Snapshot(
        IReadOnlyDictionary<string, string> Descriptions,
        IReadOnlyDictionary<string, ContentTexts> Languages,
        IReadOnlyDictionary<string, string> DefaultNames);

    private readonly KeptInMemory<Snapshot> _kept = new(clock ?? TimeProvider.System);

    /// <summary>The content in <paramref name="language"/> (a language without texts gets the default language's).</summary>
    public async Task<ContentTexts> ForAsync(string? language, CancellationToken ct = default)
    {
        var snapshot = await SnapshotAsync(ct);
        if (language is not null && snapshot.Languages.TryGetValue(language, out var texts))
        {
            return texts;
        }
        return new ContentTexts(language, snapshot.Descriptions, new Dictionary<string, LocalText>(), new Dictionary<string, LocalText>(),
            null, snapshot.DefaultNames);
    }

    private Task<Snapshot> SnapshotAsync(CancellationToken ct) => _kept.GetAsync(ReadAsync, ct);

    private sealed record DestinationRow(string Destination, string Language, string? Name, string? Description);

    private sealed record FareRow(string Code, string Language, string? Name, string? Description);

    private sealed record OperatorRow(string Language, string? PierAddress, string? OpeningHours, string? CancellationPolicy);

    private async Task<Snapshot> ReadAsync(CancellationToken ct)
    {
        const string sql = """
            select destination, description from destination_details where description is not null;
            select destination, language, name, description from destination_texts;
            select f.code, t.language, t.name, t.description from fare_type_texts t join fare_types f on f.id = t.fare_type_id;
            select language, pier_address, opening_hours, cancellation_policy from operator_texts;
            """;
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, cancellationToken: ct));
            var descriptions = (await results.ReadAsync<(string Destination, string Description)>())
                .ToDictionary(r => ContentTexts.Key(r.Destination), r => r.Description);
            var destinations = (await results.ReadAsync<DestinationRow>()).AsList();
            var fares = (await results.ReadAsync<FareRow>()).AsList();
            var operators = (await results.ReadAsync<OperatorRow>()).ToDictionary(r => r.Language);
            var defaultNames = new Dictionary<string, string>();
            foreach (var row in destinations.Where(r => !string.IsNullOrWhiteSpace(r.Name)))
            {
                defaultNames.TryAdd(ContentTexts.Key(row.Name!), row.Destination);
            }
            var languages = destinations.Select(r => r.Language).Concat(fares.Select(r => r.Language)).Concat(operators.Keys).Distinct()
                .ToDictionary(language => language, language => new ContentTexts(
                    language,
                    descriptions,
                    destinations.Where(r => r.Language == language).ToDictionary(r => ContentTexts.Key(r.Destination), r => new LocalText(r.Name, r.Description)),
                    fares.Where(r => r.Language == language).ToDictionary(r => r.Code, r => new LocalText(r.Name, r.Description)),
                    operators.GetValueOrDefault(language) is { } o ? new OperatorTexts(o.PierAddress, o.OpeningHours, o.CancellationPolicy) : null,
                    defaultNames));
            var snapshot = new Snapshot(descriptions, languages, defaultNames);
            _kept.Keep(snapshot, KeptFor);
            return snapshot;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Content texts could not be read; showing the last known ones");
            var fallback = _kept.Value ?? new Snapshot(new Dictionary<string, string>(), new Dictionary<string, ContentTexts>(),
                new Dictionary<string, string>());
            _kept.Keep(fallback, TimeSpan.FromSeconds(5));
            return fallback;
        }
    }

    /// <summary>Everything the translations page shows, read from the primary (not from memory).</summary>
    public async Task<ContentForEditing> ForEditingAsync(CancellationToken ct)
    {
        const string sql = """
            select min(destination) as destination from (
                select destination from departures union all select destination from destination_fares) d
            group by lower(destination)
            order by lower(min(destination));
            select destination, description from destination_details where description is not null;
            select id, code, name, description from fare_types order by sort_order, code;
            select destination, language, name, description from destination_texts;
            select t.fare_type_id, t.language, t.name, t.description from fare_type_texts t;
            select language, pier_address, opening_hours, cancellation_policy from operator_texts;
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, cancellationToken: ct));
        var destinations = (await results.ReadAsync<string>()).AsList();
        var descriptions = (await results.ReadAsync<(string Destination, string Description)>())
            .ToDictionary(r => ContentTexts.Key(r.Destination), r => r.Description);
        var fares = (await results.ReadAsync<(Guid Id, string Code, string Name, string? Description)>()).AsList();
        var destinationTexts = (await results.ReadAsync<DestinationRow>()).GroupBy(r => r.Language).ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<string, LocalText>)g.ToDictionary(r => ContentTexts.Key(r.Destination), r => new LocalText(r.Name, r.Description)));
        var fareTexts = (await results.ReadAsync<(Guid FareTypeId, string Language, string? Name, string? Description)>()).GroupBy(r => r.Language)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<Guid, LocalText>)g.ToDictionary(r => r.FareTypeId, r => new LocalText(r.Name, r.Description)));
        var operatorTexts = (await results.ReadAsync<OperatorRow>())
            .ToDictionary(r => r.Language, r => new OperatorTexts(r.PierAddress, r.OpeningHours, r.CancellationPolicy));
        return new ContentForEditing(destinations, descriptions, fares, destinationTexts, fareTexts, operatorTexts);
    }

    /// <summary>The destinations' descriptions in the default language (whose names are the destinations' own).</summary>
    public async Task SaveDefaultDescriptionsAsync(IReadOnlyList<DestinationTextEdit> destinations, string changedBy, CancellationToken ct)
    {
        const string sql = """
            delete from destination_details where lower(destination) = any(@cleared);
            insert into destination_details (destination, description, updated_by)
            select d.destination, d.description, @changedBy from unnest(@names::text[], @descriptions::text[]) as d(destination, description)
            on conflict ((lower(destination))) do update set description = excluded.description, updated_at = now(), updated_by = excluded.updated_by;
            """;
        var given = destinations.Where(d => d.Description is not null).ToList();
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                cleared = destinations.Where(d => d.Description is null).Select(d => ContentTexts.Key(d.Destination)).ToArray(),
                names = given.Select(d => d.Destination).ToArray(),
                descriptions = given.Select(d => d.Description!).ToArray(),
                changedBy,
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        await ReadAsync(ct);
    }

    /// <summary>One language's texts, all at once: a text left null falls back to the default language's, and a row left with no
    /// text at all is removed.</summary>
    public async Task SaveLanguageAsync(string language, IReadOnlyList<DestinationTextEdit> destinations, IReadOnlyList<FareTextEdit> fares,
        OperatorTexts operatorTexts, string changedBy, CancellationToken ct)
    {
        const string sql = """
            delete from destination_texts where language = @language and lower(destination) = any(@clearedDestinations);
            insert into destination_texts (destination, language, name, description, updated_by)
            select d.destination, @language, d.name, d.description, @changedBy
            from unnest(@destinationNames::text[], @names::text[], @descriptions::text[]) as d(destination, name, description)
            on conflict ((lower(destination)), language) do update
                set name = excluded.name, description = excluded.description, updated_at = now(), updated_by = excluded.updated_by;

            delete from fare_type_texts where language = @language and fare_type_id = any(@clearedFares);
            insert into fare_type_texts (fare_type_id, language, name, description, updated_by)
            select f.id, @language, f.name, f.description, @changedBy
            from unnest(@fareIds::uuid[], @fareNames::text[], @fareDescriptions::text[]) as f(id, name, description)
            on conflict (fare_type_id, language) do update
                set name = excluded.name, description = excluded.description, updated_at = now(), updated_by = excluded.updated_by;

            delete from operator_texts where language = @language and not @hasOperator;
            insert into operator_texts (language, pier_address, opening_hours, cancellation_policy, updated_by)
            select @language, @PierAddress, @OpeningHours, @CancellationPolicy, @changedBy where @hasOperator
            on conflict (language) do update
                set pier_address = excluded.pier_address, opening_hours = excluded.opening_hours,
                    cancellation_policy = excluded.cancellation_policy, updated_at = now(), updated_by = excluded.updated_by;
            """;
        var givenDestinations = destinations.Where(d => d.Name is not null || d.Description is not null).ToList();
        var givenFares = fares.Where(f => f.Name is not null || f.Description is not null).ToList();
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                language,
                changedBy,
                clearedDestinations = destinations.Except(givenDestinations).Select(d => ContentTexts.Key(d.Destination)).ToArray(),
                destinationNames = givenDestinations.Select(d => d.Destination).ToArray(),
                names = givenDestinations.Select(d => d.Name).ToArray(),
                descriptions = givenDestinations.Select(d => d.Description).ToArray(),
                clearedFares = fares.Except(givenFares).Select(f => f.FareTypeId).ToArray(),
                fareIds = givenFares.Select(f => f.FareTypeId).ToArray(),
                fareNames = givenFares.Select(f => f.Name).ToArray(),
                fareDescriptions = givenFares.Select(f => f.Description).ToArray(),
                hasOperator = operatorTexts is not (null, null, null),
                operatorTexts.PierAddress,
                operatorTexts.OpeningHours,
                operatorTexts.CancellationPolicy,
            }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        }
        await ReadAsync(ct);
    }
}
