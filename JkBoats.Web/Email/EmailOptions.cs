namespace JkBoats.Web.Email;

public enum SmtpTls
{
    /// <summary>TLS on connect for port 465, otherwise STARTTLS when the server offers it.</summary>
    Auto,
    StartTls,
    SslOnConnect,
    None,
}

public sealed class SmtpOptions
{
    /// <summary>When empty, messages are written as .eml files to the pickup directory instead.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public SmtpTls UseTls { get; set; } = SmtpTls.Auto;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class OutboxWorkerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Longest sleep between looks at the outbox; a booking on this instance wakes the worker at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Attempts before a message is given up as dead (the defaults retry for about four hours).</summary>
    public int MaxAttempts { get; set; } = 16;

    public int BatchSize { get; set; } = 20;
}

public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "bookings@jkboats.example";

    public string FromName { get; set; } = "JK Boats";

    public SmtpOptions Smtp { get; set; } = new();

    public string PickupDirectory { get; set; } = Path.Combine(".data", "mail");

    public OutboxWorkerOptions Worker { get; set; } = new();

    /// <summary>How long before departure a confirmed booking is reminded of its trip.</summary>
    public TimeSpan ReminderLead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often this instance looks for bookings due a reminder; zero turns the sweeper off here.</summary>
    public TimeSpan ReminderSweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    public string FullPickupDirectory => Path.GetFullPath(PickupDirectory);
}
