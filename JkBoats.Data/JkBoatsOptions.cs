namespace JkBoats.Data;

public sealed class JkBoatsOptions
{
    public const string Section = "JkBoats";

    /// <summary>IANA or Windows id of the operator's time zone; calendar days and local times use it.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How money, days and times are written (<c>JkBoats:Locale</c>).</summary>
    public LocaleOptions Locale { get; set; } = new();

    public int MaxSeatsPerBooking { get; set; } = 10;

    /// <summary>Online and API bookings must name every passenger, not only the lead (the desk may still leave names out).</summary>
    public bool RequireAllPassengerNames { get; set; }

    public string DefaultPhoneRegion { get; set; } = "US";

    /// <summary>Total time a booking may wait for a departure's lock before it is answered "busy".</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxTransactionRetries { get; set; } = 3;

    /// <summary>Most waiting requests booked together in one transaction, for one departure or several (1 turns coalescing off).</summary>
    public int BookingBatchSize { get; set; } = 100;

    /// <summary>Most booking transactions one process runs at once; waiting requests for different departures share them.</summary>
    public int BookingLanes { get; set; } = 2;

    /// <summary>Customers may cancel through their manage link until this long before departure; later, only the desk can.</summary>
    public TimeSpan CustomerCancelCutoff { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan ArriveBefore { get; set; } = TimeSpan.FromMinutes(15);

    public bool DemoMode { get; set; }

    /// <summary>How long seats offered to a waiting-list entry stay held for it before they pass to the next entry.</summary>
    public TimeSpan WaitlistHold { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often expired waiting-list holds are looked for (a claim after expiry is refused at once regardless).</summary>
    public TimeSpan WaitlistSweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The operator's culture and currency, independent of each other: en-GB with EUR writes "€25.00".</summary>
public sealed class LocaleOptions
{
    /// <summary>ISO 4217 code of the currency every price is in.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>.NET culture name for staff pages, print views, emails and the customer pages' numbers and dates.</summary>
    public string Culture { get; set; } = "en-US";
}
