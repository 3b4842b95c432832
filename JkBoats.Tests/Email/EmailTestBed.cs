using Dapper;
using JkBoats.Data.Email;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Email;

public sealed class EmailTestBed : IAsyncDisposable
{
    public const string TimeZone = "Europe/Athens";

    private readonly List<JkBoatsApp> _apps = [];

    private EmailTestBed(string connectionString, SmtpTestServer smtp)
    {
        ConnectionString = connectionString;
        Db = NpgsqlDataSource.Create(connectionString);
        Data = new TestData(Db);
        Outbox = new EmailOutbox(Db);
        Smtp = smtp;
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource Db { get; }

    public TestData Data { get; }

    public EmailOutbox Outbox { get; }

    public SmtpTestServer Smtp { get; }

    public static async Task<EmailTestBed> CreateAsync(SmtpTestServer? smtp = null) =>
        new(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_email"), smtp ?? SmtpTestServer.Start());

    public JkBoatsApp StartApp(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["JkBoats:TimeZone"] = TimeZone,
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = Smtp.Port.ToString(),
            ["Email:Smtp:UseTls"] = "None",
            ["Email:Smtp:Timeout"] = "00:00:03",
            ["Email:Worker:PollInterval"] = "00:00:00.200",
            ["Email:Worker:LeaseDuration"] = "00:00:10",
            ["Email:Worker:BackoffBase"] = "00:00:00.400",
            ["Email:Worker:BackoffCap"] = "00:00:05",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var app = new JkBoatsApp(ConnectionString, settings);
        _apps.Add(app);
        return app;
    }

    /// <summary>Stops every app gracefully: in-flight sends finish, claimed but unsent rows go back to the queue.</summary>
    public async Task StopAppsAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
        _apps.Clear();
    }

    public async Task<IReadOnlyList<OutboxRow>> OutboxRowsAsync(Guid bookingId) => await Outbox.ForBookingAsync(bookingId, CancellationToken.None);

    public async Task<long> OutboxCountAsync()
    {
        await using var connection = await Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from email_outbox");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppsAsync();
        await Smtp.DisposeAsync();
        await Db.DisposeAsync();
    }
}
