using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Departures;

public sealed class ManifestModel(DeskRepository desk, SeatInventory inventory, OperatorCalendar calendar) : PageModel
{
    public BoardRow Departure { get; private set; } = null!;

    public IReadOnlyList<ManifestRow> Bookings { get; private set; } = [];

    public DateTime Now => calendar.UtcNow;

    public string? CheckInProblem { get; private set; }

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCheckInAsync(Guid id, Guid bookingId, bool checkedIn, CancellationToken ct)
    {
        var outcome = await inventory.CheckInAsync(new CheckInRequest(bookingId, null, checkedIn, User.Actor()) { DepartureId = id }, ct);
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        CheckInProblem = outcome.Succeeded ? null : OutcomeMessages.CheckIn(outcome, null, Local);
        return this.PageOrFragment("_Manifest", otherwise: outcome.Succeeded ? RedirectToPage(new { id }) : Page());
    }

    public async Task<IActionResult> OnGetCsvAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var csv = CsvFile.Build(["code", "name", "phone", "email", "seats", "status", "checked_in"], Bookings.Select(b => new[]
        {
            b.ConfirmationCode, b.FullName, b.Phone, b.Email, b.SeatsBooked.ToString(CultureInfo.InvariantCulture), b.Status.Name(),
            b.CheckedInAt is { } at ? calendar.ToLocal(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : null,
        }));
        var name = $"manifest-{calendar.ToLocal(Departure.DepartureTime):yyyy-MM-dd-HHmm}-{Departure.BoatName.Replace(' ', '-')}.csv";
        return File(csv, "text/csv; charset=utf-8", name);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var departure = await desk.DepartureAsync(id, ct);
        if (departure is null)
        {
            return false;
        }
        Departure = departure;
        Bookings = await desk.ManifestAsync(id, ct);
        return true;
    }
}
