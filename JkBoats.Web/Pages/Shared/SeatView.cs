using JkBoats.Web.Infrastructure;

namespace JkBoats.Web.Pages.Shared;

public sealed record SeatView(Guid DepartureId, int AvailableSeats, int Capacity, bool Bookable, bool OutOfBand = false, bool Cancelled = false)
{
    public bool SoldOut => AvailableSeats <= 0;

    public bool Few => AvailableSeats is > 0 and <= Display.FewSeats;

    public string Text => Cancelled ? SiteText.T("Cancelled") : Bookable ? Display.SeatsLeft(AvailableSeats) : SiteText.T("Not bookable");

    public string BadgeClass => !Bookable || SoldOut
        ? "bg-slate-200 text-slate-700"
        : Few ? "bg-amber-100 text-amber-900 ring-1 ring-amber-400" : "bg-emerald-50 text-emerald-800";
}
