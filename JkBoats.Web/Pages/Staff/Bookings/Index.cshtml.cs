using JkBoats.Data;
using JkBoats.Data.Desk;
using JkBoats.Data.Payments;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Bookings;

public sealed class IndexModel(DeskRepository desk, OperatorCalendar calendar, PaymentRepository payments) : PageModel
{
    public IReadOnlyDictionary<Guid, Balance> Balances { get; private set; } = new Dictionary<Guid, Balance>();

    public string? Query { get; private set; }

    public string? Message { get; private set; }

    public IReadOnlyList<DeskBooking> Results { get; private set; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task OnGetAsync(string? q, CancellationToken ct)
    {
        Query = q is null ? null : PlainText.ForSearch(q);
        if (string.IsNullOrEmpty(Query))
        {
            return;
        }
        if (Query.Length < 2 || Query.Length > 200)
        {
            Message = "Type at least 2 characters (at most 200).";
            return;
        }
        Results = await desk.SearchAsync(Query, ct);
        Balances = await payments.BalancesAsync(Results.Select(r => r.BookingId).ToList(), ct);
        Message = Results.Count switch
        {
            0 => $"No bookings match \"{Query}\".",
            DeskRepository.MaxSearchResults => $"Showing the first {DeskRepository.MaxSearchResults} matches; type more to narrow it down.",
            var n => $"{n} booking{(n == 1 ? "" : "s")} found.",
        };
    }
}
