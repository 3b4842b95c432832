using JkBoats.Data;
using JkBoats.Data.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Dashboard;

public sealed class EmailsModel(DashboardRepository dashboard, OperatorCalendar calendar) : PageModel
{
    public const int Limit = 500;

    private static readonly Dictionary<string, (string Title, string[] Statuses)> Views = new()
    {
        ["unsent"] = ("Emails waiting to be sent", ["pending", "sending", "failed"]),
        ["dead"] = ("Emails given up on (dead)", ["dead"]),
        ["sent"] = ("Sent emails, oldest first", ["sent"]),
    };

    public string Status { get; private set; } = "unsent";

    public string Title => Views[Status].Title;

    public IReadOnlyList<OutboxListRow> Rows { get; private set; } = [];

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task OnGetAsync(string? status, CancellationToken ct)
    {
        Status = status is not null && Views.ContainsKey(status) ? status : "unsent";
        Rows = await dashboard.OutboxRowsAsync(Views[Status].Statuses, Limit, ct);
    }
}
