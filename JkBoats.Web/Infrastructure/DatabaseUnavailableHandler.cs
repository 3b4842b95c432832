using Microsoft.AspNetCore.Diagnostics;
using JkBoats.Web.Api;
using Npgsql;

namespace JkBoats.Web.Infrastructure;

/// <summary>The database unreachable, restarting or its pool exhausted is the service being busy, not a bug: 503 with
/// Retry-After instead of 500. The usual error page or problem details still render the answer.</summary>
public sealed class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsDatabaseUnavailable(exception))
        {
            return false;
        }
        log.LogWarning("Database unavailable for {Endpoint}: {Error}", http.GetEndpoint()?.DisplayName, exception.GetType().Name);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "2";
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            return false; // The site's error page renders the 503.
        }
        await ApiResults.Busy(http, TimeSpan.FromSeconds(2)).ExecuteAsync(http);
        return true;
    }

    public static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal):
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }
        return false;
    }
}
