using System.Text.RegularExpressions;
using JkBoats.Data.Operator;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace JkBoats.Web.Email.Templates;

/// <summary>What every booking email shows, formatted once so the HTML and the text part say the same.</summary>
public sealed record BookingEmailModel(
    string Code,
    string Name,
    string Boat,
    string Destination,
    string Departure,
    string ArriveBy,
    string ArriveBefore,
    string Seats,
    string Total,
    string ManageUrl,
    string BookUrl,
    string Reason)
{
    /// <summary>One line per passenger: name, fare and price.</summary>
    public IReadOnlyList<string> Passengers { get; init; } = [];

    /// <summary>Who to contact and where the pier is: every email ends with it.</summary>
    public OperatorDetails Operator { get; init; } = null!;

    public string OperatorPhone => PhoneDisplay.Readable(Operator.Phone);

    /// <summary>For a cancellation: the customer cancelled it themselves (else the operator did, <see cref="Reason"/> says why).</summary>
    public bool CancelledByCustomer { get; init; }

    /// <summary>Where the money stands, for the customer: "To pay at the desk or on boarding: $50.00", "Paid in full ($50.00)",
    /// "Refund due to you: $20.00"...</summary>
    public string Payment { get; init; } = "pay at the desk or on boarding";

    /// <summary>"Confirmed" or "Cancelled": the booking as it stands when the email is built.</summary>
    public string State { get; init; } = "Confirmed";

    /// <summary>The Content-ID of the QR code's inline image; null when the booking is no ticket (cancelled).</summary>
    public string? QrContentId { get; init; }

    /// <summary>For a departure change: what changed, old and new, as the passenger sees it.</summary>
    public IReadOnlyList<ChangedValue> Changes { get; init; } = [];

    /// <summary>For a weather choice: the local time until which the passenger can choose, and what happens otherwise.</summary>
    public string? ChooseBy { get; init; }

    public string? DefaultAction { get; init; }
}

/// <param name="Field">"Departure", "Boat" or "Destination": which value changed (the email writes its label in the booking's language).</param>
public sealed record ChangedValue(string Field, string Old, string New);

public abstract class BookingEmailComponent : ComponentBase
{
    [Parameter, EditorRequired]
    public BookingEmailModel Booking { get; set; } = default!;
}

/// <summary>The pieces the translated templates share: a sentence whose placeholders are markup, and the text part's aligned labels.</summary>
public static partial class EmailText
{
    /// <summary>A translated sentence whose <c>{0}</c>, <c>{1}</c>… are markup (a time in bold, a link), so the translation can put
    /// them where its grammar wants them; the words around them are encoded as text.</summary>
    public static RenderFragment Sentence(string format, params RenderFragment[] parts) => builder =>
    {
        var at = 0;
        foreach (Match placeholder in Placeholder().Matches(format))
        {
            builder.AddContent(0, format[at..placeholder.Index]);
            builder.AddContent(1, parts[int.Parse(placeholder.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)]);
            at = placeholder.Index + placeholder.Length;
        }
        builder.AddContent(2, format[at..]);
    };

    /// <summary>"Status:       ": a text part's label padded so the values line up (at least one space after a long one).</summary>
    public static string Label(string label) => label.Length >= LabelWidth ? label + " " : label.PadRight(LabelWidth);

    private const int LabelWidth = 14;

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();
}
