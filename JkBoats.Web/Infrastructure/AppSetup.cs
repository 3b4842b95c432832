using System.Text.Json;
using System.Text.Json.Serialization;
using JkBoats.Data;
using JkBoats.Data.Demo;
using JkBoats.Migrations;
using JkBoats.Web.Api;
using JkBoats.Web.Email;
using JkBoats.Web.Operations;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Serilog;

namespace JkBoats.Web.Infrastructure;

public static class AppSetup
{
    public const string LookupRateLimit = "lookup";

    public static void AddJkBoats(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The app's final configuration, so settings added by a host (tests included) reach the logger too.
        // preserveStaticLogger: each app writes to its own logger, never to the process-wide Log.Logger, which the
        // last app started in the process would otherwise own (several apps run side by side in the tests).
        services.AddSerilog((provider, logger) => logger
            .ReadFrom.Configuration(provider.GetRequiredService<IConfiguration>())
            .ReadFrom.Services(provider)
            .Enrich.FromLogContext()
            .Enrich.With<PersonalDataRedactor>(), preserveStaticLogger: true);

        services.AddOptions<JkBoatsOptions>().BindConfiguration(JkBoatsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JkBoatsOptions>, LocaleValidation>();
        // The one formatter for money, days and times, per app (tests run apps with different locales side by side).
        services.AddSingleton(provider => new Display(provider.GetRequiredService<IOptions<JkBoatsOptions>>().Value.Locale));
        services.AddOptions<JkBoats.Data.Operator.OperatorOptions>().BindConfiguration(JkBoats.Data.Operator.OperatorOptions.Section);
        // Named per instance so the pool metrics can pick this app's pool out of Npgsql's process-wide meter.
        var poolName = $"jkboats-{Guid.NewGuid():N}";
        services.AddJkBoatsData(provider =>
        {
            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString("JkBoats");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "No database configured: set ConnectionStrings__JkBoats, or start the app with ./scripts/run.sh.");
            }
            return BuildDataSource(connectionString, poolName, IdleInTransactionTimeout(provider));
        }, provider =>
        {
            // Optional streaming replica for listings and look-ups; without it they read from the primary.
            var replica = provider.GetRequiredService<IConfiguration>().GetConnectionString(ReplicaConnectionStringName);
            return string.IsNullOrWhiteSpace(replica) ? null : BuildDataSource(replica, poolName + "-replica", IdleInTransactionTimeout(provider));
        });
        services.AddJkBoatsEmail();
        services.AddJkBoatsOperations(poolName);

        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DictionaryKeyPolicy = null;
            // The web defaults read names in any case and numbers from strings, and keep the last of duplicate properties:
            // a proxy or client could read a request one way and the app another. Reading only; the answers are unchanged.
            json.SerializerOptions.PropertyNameCaseInsensitive = false;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Problems written by the framework (routing, status code pages) get the same machine-readable code.
            context.ProblemDetails.Extensions.TryAdd("error", context.ProblemDetails.Status switch
            {
                StatusCodes.Status400BadRequest => "bad_request",
                StatusCodes.Status404NotFound => "not_found",
                StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
                StatusCodes.Status429TooManyRequests => "rate_limited",
                StatusCodes.Status503ServiceUnavailable => "busy",
                _ => "internal_error",
            });
        });
        services.AddOpenApi("v1", ApiDocument.Configure);
        services.AddStaffAuthentication(builder.Configuration);
        services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/Staff", StaffAuthentication.StaffPolicy);
            pages.Conventions.AuthorizeFolder("/Staff/Admin", StaffAuthentication.AdminPolicy);
            pages.Conventions.AllowAnonymousToPage("/Staff/SignIn");
            pages.Conventions.AllowAnonymousToPage("/Staff/Error");
            pages.Conventions.Add(new HandlerRateLimits());
            pages.Conventions.CompressOverHttps("/Departures/Index", "/Departures/Details", "/Departures/Seats");
        }).AddViewLocalization();
        services.AddJkBoatsCompression();
        // The build output maps its precompressed assets (obj/…/compressed) through the static web assets manifest; a
        // published app has no such manifest and serves them from its wwwroot, so this only matters when run from a build.
        builder.WebHost.UseStaticWebAssets();
        // No "Server: Kestrel" on any answer: it tells a scanner what to try and nobody else needs it.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // MapStaticAssets re-checks build-output files at run time (for editing wwwroot while the app runs) and then turns
        // caching off; on this runtime it also re-sends them gzip-encoded under a "br" header. The front end is rebuilt by
        // the build anyway, so the build's own files and cache headers are served.
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        services.AddListingCache(builder.Configuration.GetValue($"{JkBoatsOptions.Section}:ListingCache:Enabled", true));
        services.AddJkBoatsLanguages();
        services.AddSingleton<JkBoats.Data.Operator.IDefaultOperatorTexts, SiteOperatorTexts>();
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"])
            // Degraded, never unhealthy: without the replica, listings read from the primary. Healthy when none is configured.
            .AddCheck<ReplicaCheck>("replica", failureStatus: Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, tags: ["ready"]);

        builder.AddJkBoatsSecurity();
        services.AddGracefulShutdown();
    }

    /// <summary>Says what is wrong with <c>JkBoats:Locale</c> ("… is \"XYZ\", which is not an ISO 4217 currency code …").</summary>
    private sealed class LocaleValidation : IValidateOptions<JkBoatsOptions>
    {
        public ValidateOptionsResult Validate(string? name, JkBoatsOptions options) =>
            LocaleFormat.Problem(options.Locale) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    public const string ReplicaConnectionStringName = "JkBoatsReplica";

    private static TimeSpan IdleInTransactionTimeout(IServiceProvider provider) =>
        provider.GetRequiredService<IConfiguration>().GetValue(
            $"{JkBoatsOptions.Section}:IdleInTransactionTimeout", TimeSpan.FromSeconds(10));

    private static NpgsqlDataSource BuildDataSource(string connectionString, string poolName, TimeSpan idleInTransactionTimeout)
    {
        var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = poolName };
        if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Statements run often (listings, the booking engine's) are prepared on each connection after a few uses.
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 50;
        }
        if (!connectionString.Replace(" ", "", StringComparison.Ordinal).Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
        {
            // The app keeps no session state on a pooled connection (timeouts are set per transaction, no session advisory
            // locks, no LISTEN, no temporary tables), so the reset Npgsql otherwise sends with the next command after every
            // return to the pool ("RESET ALL; CLOSE ALL; UNLISTEN *; …") is work for nothing on each listing and booking.
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        }
        var options = dataSource.ConnectionStringBuilder.Options ?? "";
        if (idleInTransactionTimeout > TimeSpan.Zero && !options.Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal))
        {
            // A session of this app that idles inside a transaction (a bug, a stalled thread) is cut off by the server,
            // so it can never sit on a departure's lock. 0 leaves it to the server or role (e.g. behind a pooler that
            // refuses startup options).
            dataSource.ConnectionStringBuilder.Options =
                $"{options} -c idle_in_transaction_session_timeout={(long)idleInTransactionTimeout.TotalMilliseconds}".Trim();
        }
        return dataSource.Build();
    }

    public static void UseJkBoats(this WebApplication app)
    {
        // A culture or currency the app cannot write stops it here, before it migrates or serves, with what to fix.
        app.Services.GetRequiredService<Display>();
        app.UseCorrelationId();
        app.UseJkBoatsEdge();
        app.UseResponseCompression();
        // Three audiences, three kinds of error answer: problem details for the API, the staff layout for staff, the site's pages.
        app.UseWhen(IsApi, api => api.UseExceptionHandler());
        app.UseWhen(IsStaff, staff => staff.UseExceptionHandler("/staff/error"));
        app.UseWhen(IsSite, site => site.UseExceptionHandler("/Error"));
        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseWhen(IsStaff, staff => staff.UseStatusCodePagesWithReExecute("/staff/error/{0}"));
        app.UseWhen(IsSite, site => site.UseStatusCodePagesWithReExecute("/Error/{0}"));
        app.UseWhen(IsSite, site => site.UseRequestLocalization());
        // Staff pages and the API are not localized: English words, the operator culture's days and numbers (see Display),
        // whatever language the server process itself runs in.
        app.UseWhen(http => !IsSite(http), other => other.Use((http, next) =>
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;
            return next(http);
        }));
        app.UseJkBoatsRequestLogging();
        app.UseRouting();
        app.UseCompressionOverHttpsWhereSafe();
        app.UseStaffAuthentication();
        app.UseAuthorization();
        app.UseJkBoatsOperations();
        app.UseOutputCache();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "api/docs";
            ui.SwaggerEndpoint("/openapi/v1.json", "JK Boats API v1");
            ui.DocumentTitle = "JK Boats API";
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        app.MapBoatEndpoints();
        app.MapBookingEndpoints();
        app.MapLanguageSwitch();
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
    }

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");

    private static bool IsStaff(HttpContext http) => http.Request.Path.StartsWithSegments("/staff");

    private static bool IsSite(HttpContext http) => !IsApi(http) && !IsStaff(http);

    /// <summary>Migrates before the app serves; in demo mode also seeds demo data.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var connectionString = app.Configuration.GetConnectionString("JkBoats")
            ?? throw new InvalidOperationException("No database configured: set ConnectionStrings__JkBoats, or start the app with ./scripts/run.sh.");
        if (app.Configuration.GetValue("JkBoats:MigrateOnStartup", true))
        {
            DatabaseMigrator.MigrateUp(connectionString);
            app.Logger.LogInformation("Database schema at version {Version}", DatabaseMigrator.LatestVersion);
        }
        if (app.Configuration.GetValue<bool>("JkBoats:DemoMode"))
        {
            await app.Services.GetRequiredService<DemoData>().SeedAsync(app.Lifetime.ApplicationStopping);
            await DemoStaff.EnsureAsync(app.Services, app.Logger, app.Lifetime.ApplicationStopping);
        }
    }
}
