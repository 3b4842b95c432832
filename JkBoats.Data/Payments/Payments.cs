namespace JkBoats.Data.Payments;

/// <summary>The stored words of <c>payments.method</c>.</summary>
public static class PaymentMethod
{
    public const string Cash = "cash";
    public const string Card = "card";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Cash, Card, Other];

    public static bool IsKnown(string? method) => method is Cash or Card or Other;

    public static string Label(string method) => method switch
    {
        Cash => "Cash",
        Card => "Card",
        _ => "Other",
    };
}

/// <summary>The stored words of <c>payments.kind</c>: money taken, or money given back.</summary>
public static class PaymentKind
{
    public const string Payment = "payment";
    public const string Refund = "refund";
}

/// <summary>A booking's money: what it costs (nothing once cancelled), what was paid and refunded, and what is left either way.</summary>
public sealed record Balance(decimal Due, decimal Paid, decimal Refunded)
{
    public decimal Net => Paid - Refunded;

    /// <summary>What the customer still owes (0 when nothing).</summary>
    public decimal Owed => Math.Max(0, Due - Net);

    /// <summary>What the operator owes back (0 when nothing).</summary>
    public decimal RefundDue => Math.Max(0, Net - Due);

    public bool Settled => Due == Net;
}
