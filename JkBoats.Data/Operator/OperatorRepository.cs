using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Data.Operator;

/// <summary>The operator's details: the admins' row when there is one, else the configuration's. Every page and email shows them,
/// so they are kept in memory for a few seconds (another instance's edit shows within <see cref="KeptFor"/>), and an unreachable
/// database falls back to the last known details instead of failing the page that shows them.</summary>
public sealed class OperatorRepository(
    NpgsqlDataSource db, IOptions<OperatorOptions> defaults, IOptions<JkBoatsOptions> settings, ILogger<OperatorRepository> log,
    Content.ContentRepository content, TimeProvider? clock = null, IDefaultOperatorTexts? words = null)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(15);

    private readonly KeptInMemory<OperatorDetails> _kept = new(clock ?? TimeProvider.System);

    /// <summary>The details from configuration alone, as shown before any admin edit.</summary>
    public OperatorDetails Defaults
    {
        get
        {
            var o = defaults.Value;
            var policy = string.IsNullOrWhiteSpace(o.CancellationPolicy) ? DefaultPolicy(settings.Value.CustomerCancelCutoff) : o.CancellationPolicy;
            return new OperatorDetails(o.Name, o.Phone, o.Email, o.PierAddress, string.IsNullOrWhiteSpace(o.MapUrl) ? null : o.MapUrl,
                o.OpeningHours, settings.Value.ArriveBefore, policy);
        }
    }

    /// <summary>The details, from memory: once they are older than <see cref="KeptFor"/> they are re-read in the background while
    /// the page goes on with the ones it has (a footer never waits for a busy pool). Only the very first call reads in line.</summary>
    public Task<OperatorDetails> CurrentAsync(CancellationToken ct = default) => _kept.GetAsync(ReadAsync, ct);

    /// <summary>The details with the pier address, opening hours and cancellation policy in <paramref name="language"/> where the
    /// admins gave them (the others as they are).
    /// The policy the app writes itself when the operator gave none is written in the current UI language
    /// (<see cref="IDefaultOperatorTexts"/>), unless the admins gave one in <paramref name="language"/>.</summary>
    public async Task<OperatorDetails> CurrentAsync(string? language, CancellationToken ct = default)
    {
        var details = await CurrentAsync(ct);
        var cutoff = settings.Value.CustomerCancelCutoff;
        if (words is not null && details.CancellationPolicy == DefaultPolicy(cutoff))
        {
            details = details with { CancellationPolicy = words.CancellationPolicy(cutoff) };
        }
        return (await content.ForAsync(language, ct)).Apply(details);
    }

    /// <summary>The cancellation policy of an operator who wrote none, in English.</summary>
    public static string DefaultPolicy(TimeSpan cutoff) =>
        $"Free to cancel online until {Hours(cutoff)} before departure; after that, please call the desk.";

    private async Task<OperatorDetails> ReadAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
                select name, phone, email, pier_address, map_url, opening_hours, arrive_before_minutes, cancellation_policy
                from operator_details where id = 1
                """, cancellationToken: ct));
            var details = row?.Details ?? Defaults;
            _kept.Keep(details, KeptFor);
            return details;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Operator details could not be read; showing the last known ones");
            var fallback = _kept.Value ?? Defaults;
            _kept.Keep(fallback, TimeSpan.FromSeconds(5));
            return fallback;
        }
    }

    public async Task SaveAsync(OperatorDetails details, string changedBy, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into operator_details (id, name, phone, email, pier_address, map_url, opening_hours, arrive_before_minutes, cancellation_policy, updated_by)
            values (1, @Name, @Phone, @Email, @PierAddress, @MapUrl, @OpeningHours, @Minutes, @CancellationPolicy, @changedBy)
            on conflict (id) do update set name = excluded.name, phone = excluded.phone, email = excluded.email,
                pier_address = excluded.pier_address, map_url = excluded.map_url, opening_hours = excluded.opening_hours,
                arrive_before_minutes = excluded.arrive_before_minutes, cancellation_policy = excluded.cancellation_policy,
                updated_at = now(), updated_by = excluded.updated_by
            """, new
        {
            details.Name, details.Phone, details.Email, details.PierAddress, details.MapUrl, details.OpeningHours,
            Minutes = (int)details.ArriveBefore.TotalMinutes, details.CancellationPolicy, changedBy,
        }, cancellationToken: ct));
        _kept.Keep(details, KeptFor);
    }

    private static string Hours(TimeSpan span) =>
        span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours)
            ? $"{span.TotalHours:0} hour{(span.TotalHours == 1 ? "" : "s")}"
            : $"{span.TotalMinutes:0} minutes";

    private sealed record Row(string Name, string Phone, string Email, string PierAddress, string? MapUrl, string OpeningHours,
        int ArriveBeforeMinutes, string CancellationPolicy)
    {
        public OperatorDetails Details => new(Name, Phone, Email, PierAddress, MapUrl, OpeningHours, TimeSpan.FromMinutes(ArriveBeforeMinutes),
            CancellationPolicy);
    }
}

/// <summary>Words the app writes itself into the operator's details when the operator gave none, in the current UI language: the web
/// app translates them; without it they stay English.</summary>
public interface IDefaultOperatorTexts
{
    /// <summary>"Free to cancel online until 24 hours before departure; after that, please call the desk."</summary>
    string CancellationPolicy(TimeSpan cutoff);
}
