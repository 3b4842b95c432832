using JkBoats.Data.Operator;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace JkBoats.Web.Email.Templates;

/// <summary>What a waiting-list offer email shows, formatted once so the HTML and the text part say the same.</summary>
public sealed record WaitlistOfferModel(
    string Name, string Destination, string Departure, string Boat, string Party, string Until, string OfferUrl, OperatorDetails Operator)
{
    public string OperatorPhone => PhoneDisplay.Readable(Operator.Phone);
}

public abstract class WaitlistOfferComponent : ComponentBase
{
    [Parameter, EditorRequired]
    public WaitlistOfferModel Offer { get; set; } = default!;
}
