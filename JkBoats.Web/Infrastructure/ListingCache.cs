using JkBoats.Data.Departures;
using Microsoft.AspNetCore.OutputCaching;

namespace JkBoats.Web.Infrastructure;

/// <summary>Anonymous listings (the find-a-trip page, its htmx fragment and GET /api/boats) are served from memory for at most
/// a second, and dropped as soon as a booking on this instance commits. A booking itself always re-checks under the lock.</summary>
public static class ListingCache
{
    public const string Policy = "listings";
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <param name="enabled"><c>JkBoats:ListingCache:Enabled</c> (default true); false serves every listing fresh from the
    /// database, as the benchmark's cache-off run measures.</param>
    public static IServiceCollection AddListingCache(this IServiceCollection services, bool enabled = true)
    {
        if (!enabled)
        {
            services.AddOutputCache(cache => cache.AddPolicy(Policy, policy => policy.NoCache()));
            return services;
        }
        services.AddOutputCache(cache => cache.AddPolicy(Policy, policy => policy
            .Expire(MaxAge)
            .SetVaryByQuery("destination", "date", "days", "date_from", "date_to")
            .SetVaryByHeader("HX-Request", "HX-History-Restore-Request")
            .VaryByValue(_ => new KeyValuePair<string, string>("language", System.Globalization.CultureInfo.CurrentUICulture.Name))
            .Tag(Policy)));
        services.AddHostedService<Invalidation>();
        return services;
    }

    private sealed class Invalidation(AvailabilitySignal signal, IOutputCacheStore store, ILogger<Invalidation> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            signal.Changed += Evict;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct)
        {
            signal.Changed -= Evict;
            return Task.CompletedTask;
        }

        // Runs before the booking is answered (the in-memory store evicts synchronously), so whoever booked sees it next.
        private void Evict()
        {
            var eviction = store.EvictByTagAsync(Policy, CancellationToken.None);
            if (!eviction.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(eviction);
            }
        }

        private async Task ObserveAsync(ValueTask eviction)
        {
            try
            {
                await eviction;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Could not drop cached listings");
            }
        }
    }
}
