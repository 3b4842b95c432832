namespace JkBoats.Data.Operator;

/// <summary>Who runs the boats and how to reach them: shown in the site's footer, on the confirmation and manage pages and in
/// every email. Admins edit it (<see cref="OperatorRepository"/>); until they do, <see cref="OperatorOptions"/> gives it.</summary>
public sealed record OperatorDetails(
    string Name,
    string Phone,
    string Email,
    string PierAddress,
    string? MapUrl,
    string OpeningHours,
    TimeSpan ArriveBefore,
    string CancellationPolicy);

/// <summary>The operator's details before an admin edits them (<c>JkBoats:Operator</c>); the arrival time is
/// <c>JkBoats:ArriveBefore</c>.</summary>
public sealed class OperatorOptions
{
    public const string Section = "JkBoats:Operator";

    public string Name { get; set; } = "JK Boats";

    public string Phone { get; set; } = "+14155550100";

    public string Email { get; set; } = "desk@jkboats.example";

    public string PierAddress { get; set; } = "Pier 3, Harbour Road";

    public string? MapUrl { get; set; }

    public string OpeningHours { get; set; } = "Daily 7:30–19:00";

    /// <summary>Blank: a sentence made from the customer cancel cut-off.</summary>
    public string? CancellationPolicy { get; set; }
}
