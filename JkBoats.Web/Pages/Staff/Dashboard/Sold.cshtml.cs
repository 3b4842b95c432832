using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Dashboard;

public sealed class SoldModel(DashboardRepository dashboard, OperatorCalendar calendar) : PageModel
{
    public const int Limit = 500;

    public DateOnly Day { get; private set; }

    public IReadOnlyList<SoldBooking> Bookings { get; private set; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task OnGetAsync(string? date, CancellationToken ct)
    {
        Day = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : calendar.Today;
        Bookings = await dashboard.BookingsMadeOnAsync(Day, Limit, ct);
    }
}
