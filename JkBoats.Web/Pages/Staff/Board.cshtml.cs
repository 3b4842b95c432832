using System.Globalization;
using JkBoats.Data;
using JkBoats.Data.Bookings;
using JkBoats.Data.Desk;
using JkBoats.Web.Pages.Shared;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace JkBoats.Web.Pages.Staff;

public sealed class BoardModel(DeskRepository desk, BookingChanges changes, NpgsqlDataSource db, OperatorCalendar calendar) : PageModel
{
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
        var booking = string.IsNullOrWhiteSpace(code) || code.Trim().Length > 20 ? null : await desk.FindByCodeAsync(code, ct);
        if (booking is null)
        {
            CheckInMessage = $"No booking has the code \"{code?.Trim()}\".";
        }
        else if (booking.Status != "confirmed")
        {
            CheckInMessage = $"{booking.ConfirmationCode} is {booking.Status}: not checked in.";
        }
        else
        {
            await changes.SetCheckedInAsync(db, booking.BookingId, true, User.Actor(), ct);
            CheckInOk = true;
            CheckInMessage = $"{booking.ConfirmationCode} checked in: {booking.FullName}, {booking.SeatsBooked} seat(s), {booking.BoatName} {calendar.ToLocal(booking.DepartureTime):ddd d MMM HH:mm} to {booking.Destination}.";
        }
        await LoadAsync(date, ct);
        return Page();
    }

    private async Task LoadAsync(string? date, CancellationToken ct)
    {
        Day = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : calendar.Today;
        Departures = await desk.BoardAsync(calendar.StartOfDayUtc(Day), calendar.StartOfDayUtc(Day.AddDays(1)), ct);
    }
}
