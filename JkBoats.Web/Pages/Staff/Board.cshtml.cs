using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Desk;
using JkBoats.Data.Inventory;
using JkBoats.Data.Payments;
using JkBoats.Web.Infrastructure;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff;

public sealed class BoardModel(DeskRepository desk, SeatInventory inventory, OperatorCalendar calendar, PaymentRepository payments, Display display) : PageModel
{
    /// <summary>The booking just checked in by code, and what it still owes (the desk takes it next).</summary>
    public Guid? CheckedIn { get; private set; }

    public Balance? CheckedInBalance { get; private set; }

    public DateOnly Day { get; private set; }

    public DateTime Now => calendar.UtcNow;

    public IReadOnlyList<BoardRow> Departures { get; private set; } = [];

    public string? CheckInMessage { get; private set; }

    public bool CheckInOk { get; private set; }

    public DateTime Local(DateTime utc) => calendar.ToLocal(utc);

    public async Task<IActionResult> OnGetAsync(string? date, CancellationToken ct)
    {
        await LoadAsync(date, ct);
        return Page();
    }

    public async Task<IActionResult> OnGetBoardAsync(string? date, CancellationToken ct)
    {
        await LoadAsync(date, ct);
        return this.PageOrFragment("_Board");
    }

    public async Task<IActionResult> OnPostCheckInAsync(string? code, string? date, CancellationToken ct)
    {
        SetDay(date);
        var outcome = string.IsNullOrWhiteSpace(code) || code.Trim().Length > 20
            ? new CheckInOutcome(CheckInResult.NotFound)
            : await inventory.CheckInAsync(new CheckInRequest(null, code, true, User.Actor())
            {
                Window = (calendar.StartOfDayUtc(Day), calendar.StartOfDayUtc(Day.AddDays(1))),
            }, ct);
        CheckInOk = outcome.Succeeded;
        CheckInMessage = OutcomeMessages.CheckIn(outcome, code, Local, display);
        if (outcome.Succeeded && outcome.Booking is { } booking)
        {
            CheckedIn = booking.BookingId;
            CheckedInBalance = await payments.BalanceAsync(booking.BookingId, ct);
        }
        await LoadAsync(date, ct);
        return Page();
    }

    private void SetDay(string? date) =>
        Day = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : calendar.Today;

    private async Task LoadAsync(string? date, CancellationToken ct)
    {
        SetDay(date);
        Departures = await desk.BoardAsync(calendar.StartOfDayUtc(Day), calendar.StartOfDayUtc(Day.AddDays(1)), ct);
    }
}
