using System.Text.Encodings.Web;
using JkBoats.Web.Infrastructure;
using Microsoft.AspNetCore.Html;

namespace JkBoats.Web.Pages.Shared;

public sealed record SeatView(Guid DepartureId, int AvailableSeats, int Capacity, bool Bookable, bool OutOfBand = false, bool Cancelled = false)
{
    public bool SoldOut => AvailableSeats <= 0;

    public bool Few => AvailableSeats is > 0 and <= Display.FewSeats;

    public string Text => Cancelled ? SiteText.T("Cancelled") : Bookable ? Display.SeatsLeft(AvailableSeats) : SiteText.T("Not bookable");

    public string BadgeClass => !Bookable || SoldOut
        ? "bg-slate-200 text-slate-700"
        : Few ? "bg-amber-100 text-amber-900 ring-1 ring-amber-400" : "bg-emerald-50 text-emerald-800";

    /// <summary>A departure card's seats badge and its Select button (<c>#seats-{id}</c>), for the listing and for the seat poll that
    /// swaps it out of band. Written here rather than as a partial view: a partial per card was about a tenth of the uncached listing's
    /// cost (bench A/B of 2026-12-04: 2,246/2,677/2,655 pages/s with the partial, 2,552/2,954/2,666 without).</summary>
    /// <param name="selectHref">The departure's page, where the Select button leads.</param>
    public IHtmlContent Card(string selectHref)
    {
        var html = HtmlEncoder.Default;
        var card = new HtmlContentBuilder(12)
            .AppendHtml("<div id=\"seats-").Append(DepartureId.ToString()).AppendHtml("\" class=\"mt-auto flex items-center justify-between gap-3\"")
            .AppendHtml(OutOfBand ? " hx-swap-oob=\"true\">" : ">")
            .AppendHtml("<p class=\"badge ").AppendHtml(BadgeClass).AppendHtml("\" data-seats=\"").Append(AvailableSeats.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .AppendHtml("\">").Append(Text).AppendHtml("</p>");
        // Sold out or closed: the badge says it once; no second "Sold out" on a button that does nothing.
        if (Bookable && !SoldOut)
        {
            card.AppendHtml("<a href=\"").AppendHtml(html.Encode(selectHref)).AppendHtml("\" class=\"btn btn-primary\">").Append(SiteText.T("Select"))
                .AppendHtml("<span class=\"sr-only\"> ").Append(SiteText.T("this departure")).AppendHtml("</span></a>");
        }
        return card.AppendHtml("</div>");
    }
}
