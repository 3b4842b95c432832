using Dapper;
using JkBoats.Data.Payments;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

/// <summary>Money taken or given back at the desk, for a booking.</summary>
/// <param name="Kind"><see cref="PaymentKind"/>.</param>
/// <param name="Method"><see cref="PaymentMethod"/>.</param>
public sealed record PaymentRequest(Guid BookingId, string Kind, string Method, decimal Amount, string TakenBy, string? Note = null);

public enum PaymentResult
{
    Done,
    NotFound,

    /// <summary>A payment for a cancelled booking: there is nothing to pay.</summary>
    NotConfirmed,

    /// <summary>Not above zero, or more than two decimals.</summary>
    InvalidAmount,
    UnknownMethod,

    /// <summary>A payment above what the booking still owes.</summary>
    MoreThanOwed,

    /// <summary>A refund above what was paid and not yet refunded.</summary>
    MoreThanPaid,
    Busy,
}

/// <param name="Balance">The booking's balance after the payment (or as it stands, when refused for its amount).</param>
public sealed record PaymentOutcome(PaymentResult Result, Balance? Balance = null, string? ConfirmationCode = null)
{
    public bool Succeeded => Result == PaymentResult.Done;
}

public sealed partial class SeatInventory
{
    /// <summary>Records a payment or a refund under the booking's row lock, the same lock every cancel, move and change of the booking
    /// takes: a payment never lands on a booking a concurrent cancel has already refunded, and a refund never gives back more than was
    /// paid. Payments are refused above what is owed; the history gets a line in the same transaction.</summary>
    public Task<PaymentOutcome> TakePaymentAsync(PaymentRequest request, CancellationToken ct) =>
        _locked.RunAsync("payment", async scope =>
        {
            if (!PaymentMethod.IsKnown(request.Method) || request.Kind is not (PaymentKind.Payment or PaymentKind.Refund))
            {
                return new PaymentOutcome(PaymentResult.UnknownMethod);
            }
            if (request.Amount <= 0 || decimal.Round(request.Amount, 2) != request.Amount || request.Amount > 99_999_999.99m)
            {
                return new PaymentOutcome(PaymentResult.InvalidAmount);
            }
            const string find = "select confirmation_code, status from bookings where id = @BookingId for update";
            var booking = await scope.Connection.QuerySingleOrDefaultAsync<(string Code, BookingStatus Status)?>(
                scope.Command(find, new { request.BookingId }));
            if (booking is not var (code, status))
            {
                return new PaymentOutcome(PaymentResult.NotFound);
            }
            var balance = await scope.BalanceAsync(request.BookingId);
            var refused = request.Kind switch
            {
                PaymentKind.Payment when status != BookingStatus.Confirmed => PaymentResult.NotConfirmed,
                PaymentKind.Payment when request.Amount > balance.Owed => PaymentResult.MoreThanOwed,
                PaymentKind.Refund when request.Amount > balance.Net => PaymentResult.MoreThanPaid,
                _ => (PaymentResult?)null,
            };
            if (refused is { } result)
            {
                return new PaymentOutcome(result, balance, code);
            }
            await scope.InsertPaymentAsync(request.BookingId, request.Kind, request.Method, request.Amount, request.TakenBy, request.Note);
            await scope.CommitAsync();
            _log.LogInformation("{Kind} of {Amount} by {Method} on booking {BookingId}", request.Kind, request.Amount, request.Method, request.BookingId);
            var after = request.Kind == PaymentKind.Payment
                ? balance with { Paid = balance.Paid + request.Amount }
                : balance with { Refunded = balance.Refunded + request.Amount };
            return new PaymentOutcome(PaymentResult.Done, after, code);
        }, () => new PaymentOutcome(PaymentResult.Busy), ct);
}

public sealed partial class LockScope
{
    /// <summary>The booking's balance as this transaction sees it; call it holding the booking's row lock.</summary>
    public async Task<Balance> BalanceAsync(Guid bookingId)
    {
        var row = await Connection.QuerySingleAsync<(Guid BookingId, decimal Due, decimal Paid, decimal Refunded)>(
            Command(PaymentRepository.BalanceSql, new { ids = new[] { bookingId } }));
        return new Balance(row.Due, row.Paid, row.Refunded);
    }

    /// <summary>One payment or refund row and its history line, in this transaction.</summary>
    public async Task InsertPaymentAsync(Guid bookingId, string kind, string method, decimal amount, string takenBy, string? note)
    {
        const string sql = """
            insert into payments (booking_id, kind, method, amount, taken_by, note)
            values (@bookingId, @kind, @method, @amount, @takenBy, @note)
            """;
        await Connection.ExecuteAsync(Command(sql, new { bookingId, kind, method, amount, takenBy, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim() }));
        var what = kind == PaymentKind.Payment ? "Paid" : "Refunded";
        var summary = $"{what} {BookingEvent.Money(amount)} by {PaymentMethod.Label(method).ToLowerInvariant()}"
                      + (string.IsNullOrWhiteSpace(note) ? "" : $" ({note.Trim()})");
        await RecordAsync(bookingId, kind == PaymentKind.Payment ? BookingEventKind.Paid : BookingEventKind.Refunded, takenBy, summary);
    }
}
