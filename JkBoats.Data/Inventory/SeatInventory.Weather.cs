using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using Microsoft.Extensions.Logging;

namespace JkBoats.Data.Inventory;

public enum WeatherDefault
{
    /// <summary>Whoever has not chosen by the deadline is cancelled.</summary>
    Cancel,

    /// <summary>Whoever has not chosen is moved to the first offered departure that still fits them, else cancelled.</summary>
    Move,
}

/// <param name="Alternatives">The departures offered instead, in the admin's order (the default move tries them in this order).</param>
public sealed record WeatherPlanRequest(
    Guid DepartureId, string Reason, IReadOnlyList<Guid> Alternatives, DateTime DeadlineUtc, WeatherDefault Default, string ChangedBy);

public enum WeatherPlanResult
{
    Done,
    NotFound,
    AlreadyCancelled,
    NoAlternatives,
    AlternativeNotBookable,
    DeadlineInvalid,
    Busy,
}

public sealed record WeatherPlanOutcome(WeatherPlanResult Result, Guid? PlanId = null, int Bookings = 0, int Passengers = 0, int Emails = 0);

/// <summary>The stored words of weather_choices.state.</summary>
public static class WeatherChoiceState
{
    public const string Waiting = "waiting";
    public const string Moved = "moved";
    public const string Cancelled = StatusSql.Cancelled;
}

public sealed record WeatherDefaultOutcome(int Moved, int Cancelled, int Busy);

/// <summary>A weather morning in several steps: the departure is cancelled at once (nothing more is sold, its waiting list closes) but its
/// bookings stay confirmed, each with a choice: move to one of the departures the admin offered, while its seats last, or cancel. At the
/// deadline the default applies to the rest. Every seat change is the locked cancel or move, one booking per transaction.</summary>
public sealed partial class SeatInventory
{
    public Task<WeatherPlanOutcome> StartWeatherChoiceAsync(WeatherPlanRequest request, CancellationToken ct) =>
        _locked.RunAsync("weather_plan", async scope =>
        {
            if (request.Alternatives.Count == 0)
            {
                return new WeatherPlanOutcome(WeatherPlanResult.NoAlternatives);
            }
            if (request.DeadlineUtc <= UtcNow)
            {
                return new WeatherPlanOutcome(WeatherPlanResult.DeadlineInvalid);
            }
            var alternatives = request.Alternatives.Where(a => a != request.DepartureId).Distinct().ToList();
            var rows = await scope.LockDeparturesAsync([request.DepartureId, .. alternatives]);
            var source = rows.SingleOrDefault(r => r.Id == request.DepartureId);
            if (source is null)
            {
                return new WeatherPlanOutcome(WeatherPlanResult.NotFound);
            }
            if (source.Status == DepartureStatus.Cancelled)
            {
                return new WeatherPlanOutcome(WeatherPlanResult.AlreadyCancelled);
            }
            if (alternatives.Count == 0)
            {
                return new WeatherPlanOutcome(WeatherPlanResult.NoAlternatives);
            }
            if (alternatives.Any(a => rows.SingleOrDefault(r => r.Id == a) is not { } row || !row.IsBookable(UtcNow)))
            {
                return new WeatherPlanOutcome(WeatherPlanResult.AlternativeNotBookable);
            }

            // The departure stops selling and its holds go back to sale-less seats; the bookings and their seats stay until each is decided.
            const string plan = """
                update departures
                set status = @cancelled, cancelled_at = now(), cancellation_reason = @Reason,
                    available_seats = available_seats + held_seats, available_persons = available_persons + held_persons,
                    held_seats = 0, held_persons = 0, updated_at = now()
                where id = @DepartureId;
                update waitlist_entries set status = 'removed', removed_by = 'departure cancelled', hold_expires_at = null, updated_at = now()
                where departure_id = @DepartureId and status in ('waiting', 'offered');
                insert into weather_plans (departure_id, reason, deadline, default_action, created_by)
                values (@DepartureId, @Reason, @DeadlineUtc, @defaultAction, @ChangedBy)
                returning id;
                """;
            var planId = await scope.Connection.ExecuteScalarAsync<Guid>(scope.Command(plan, new
            {
                request.DepartureId, request.Reason, request.DeadlineUtc, request.ChangedBy, cancelled = DepartureStatus.Cancelled.Name(),
                defaultAction = request.Default == WeatherDefault.Move ? "move" : "cancel",
            }));
            const string choices = """
                insert into weather_plan_options (plan_id, departure_id, position)
                select @planId, a.id, a.position::int from unnest(@alternatives::uuid[]) with ordinality as a(id, position);
                insert into weather_choices (plan_id, booking_id)
                select @planId, id from bookings where departure_id = @DepartureId and status = @confirmed;
                select count(*)::int, coalesce(sum(persons), 0)::int, (count(*) filter (where email is not null))::int
                from bookings where departure_id = @DepartureId and status = @confirmed;
                select id from bookings where departure_id = @DepartureId and status = @confirmed;
                """;
            await using var results = await scope.Connection.QueryMultipleAsync(scope.Command(choices, new
            {
                planId, alternatives = alternatives.ToArray(), request.DepartureId, confirmed = BookingStatus.Confirmed.Name(),
            }));
            var (bookings, passengers, emails) = await results.ReadSingleAsync<(int, int, int)>();
            var affected = (await results.ReadAsync<Guid>()).AsList();
            await results.DisposeAsync();
            await scope.QueueEmailsAsync(EmailKinds.WeatherChoice, affected,
                new WeatherChoicePayload(request.Reason, request.DeadlineUtc, request.Default == WeatherDefault.Move ? "move" : "cancel"));
            await scope.RecordAsync(affected, BookingEventKind.WeatherChoiceOffered, request.ChangedBy,
                $"Departure cancelled ({request.Reason}): asked to choose between {BookingEvent.Plural(alternatives.Count, "other departure")} or a cancellation"
                + $", else {(request.Default == WeatherDefault.Move ? "moved" : StatusSql.Cancelled)} after {Local(request.DeadlineUtc)}");
            await scope.CommitAsync();
            _log.LogInformation("Weather plan {PlanId} for {DepartureId}: {Bookings} bookings to choose between {Alternatives} departures",
                planId, request.DepartureId, bookings, alternatives.Count);
            return new WeatherPlanOutcome(WeatherPlanResult.Done, planId, bookings, passengers, emails);
        }, () => new WeatherPlanOutcome(WeatherPlanResult.Busy), ct);

    /// <summary>A booking's answer to its weather choice: move to <paramref name="targetDepartureId"/> (one of the offered departures)
    /// or, with none, cancel. Refused after the deadline unless <paramref name="pastDeadline"/> (the default being applied).</summary>
    public async Task<ChangeOutcome> ChooseWeatherOptionAsync(
        Guid bookingId, Guid? targetDepartureId, string decidedBy, CancellationToken ct, bool pastDeadline = false) =>
        Counted("weather_choice", await _locked.RunAsync("weather_choice", async scope =>
        {
            var found = targetDepartureId is { } to ? await LockBookingAsync(scope, bookingId, to) : await LockBookingAsync(scope, bookingId);
            if (found is not var (departures, booking))
            {
                return new ChangeOutcome(ChangeResult.NotFound);
            }
            const string choice = """
                select c.plan_id, p.deadline, p.reason
                from weather_choices c join weather_plans p on p.id = c.plan_id
                where c.booking_id = @bookingId and c.state = 'waiting' and p.departure_id = @departureId
                for update of c
                """;
            var open = await scope.Connection.QuerySingleOrDefaultAsync<(Guid PlanId, DateTime Deadline, string Reason)?>(scope.Command(
                choice, new { bookingId, departureId = booking.DepartureId }));
            if (open is not var (planId, deadline, reason) || booking.Status != BookingStatus.Confirmed)
            {
                return new ChangeOutcome(ChangeResult.NothingToChange);
            }
            if (!pastDeadline && deadline <= UtcNow)
            {
                return new ChangeOutcome(ChangeResult.TooLate);
            }
            if (targetDepartureId is { } target)
            {
                var offered = await scope.Connection.ExecuteScalarAsync<bool>(scope.Command(
                    "select exists (select 1 from weather_plan_options where plan_id = @planId and departure_id = @target)", new { planId, target }));
                if (!offered)
                {
                    return new ChangeOutcome(ChangeResult.TargetNotBookable);
                }
                var moved = await MoveWithinAsync(scope, departures, bookingId, booking, target, decidedBy, cutoff: null, sameDestination: false);
                if (moved.Result != ChangeResult.Done)
                {
                    return moved;
                }
            }
            else
            {
                await CancelWithinAsync(scope, bookingId, booking, reason, decidedBy);
            }
            await scope.CommitAsync();
            _log.LogInformation("Weather choice for booking {BookingId}: {Choice}", bookingId, targetDepartureId?.ToString() ?? "cancel");
            return new ChangeOutcome(ChangeResult.Done);
        }, () => new ChangeOutcome(ChangeResult.Busy), ct));

    /// <summary>Decides every booking of the plan that has not chosen: the default move tries the offered departures in order (each
    /// a locked move that may find the seats gone) and cancels when none fits; the default cancel cancels. Marks the plan defaulted.</summary>
    public async Task<WeatherDefaultOutcome> ApplyWeatherDefaultAsync(Guid departureId, string decidedBy, CancellationToken ct)
    {
        const string sql = """
            select p.id, p.default_action from weather_plans p where p.departure_id = @departureId;
            select c.booking_id from weather_choices c join weather_plans p on p.id = c.plan_id
            where p.departure_id = @departureId and c.state = 'waiting' order by c.booking_id;
            select o.departure_id from weather_plan_options o join weather_plans p on p.id = o.plan_id
            where p.departure_id = @departureId order by o.position;
            """;
        var read = await _locked.RunAsync("weather_default_read", async scope =>
        {
            await using var results = await scope.Connection.QueryMultipleAsync(scope.Command(sql, new { departureId }));
            var found = await results.ReadSingleOrDefaultAsync<(Guid Id, string DefaultAction)?>();
            var waitingIds = (await results.ReadAsync<Guid>()).AsList();
            var optionIds = (await results.ReadAsync<Guid>()).AsList();
            return (Plan: found, Waiting: waitingIds, Options: optionIds);
        }, () => (Plan: null, Waiting: [], Options: []), ct);
        var (plan, waiting, options) = read;
        if (plan is null)
        {
            return new WeatherDefaultOutcome(0, 0, 0);
        }
        int moved = 0, cancelled = 0, busy = 0;
        foreach (var bookingId in waiting)
        {
            var decided = false;
            if (plan.Value.DefaultAction == "move")
            {
                foreach (var option in options)
                {
                    var result = (await ChooseWeatherOptionAsync(bookingId, option, decidedBy, ct, pastDeadline: true)).Result;
                    if (result == ChangeResult.Done)
                    {
                        moved++;
                        decided = true;
                        break;
                    }
                    if (result is ChangeResult.NothingToChange or ChangeResult.NotFound)
                    {
                        decided = true; // the customer answered meanwhile
                        break;
                    }
                }
            }
            if (!decided)
            {
                switch ((await ChooseWeatherOptionAsync(bookingId, null, decidedBy, ct, pastDeadline: true)).Result)
                {
                    case ChangeResult.Done:
                        cancelled++;
                        break;
                    case ChangeResult.Busy:
                        busy++;
                        break;
                }
            }
        }
        if (busy == 0)
        {
            await _locked.RunAsync("weather_defaulted", async scope =>
            {
                await scope.Connection.ExecuteAsync(scope.Command(
                    "update weather_plans set defaulted_at = now() where id = @id and defaulted_at is null", new { id = plan.Value.Id }));
                await scope.CommitAsync();
                return true;
            }, () => false, ct);
        }
        _log.LogInformation("Weather default for {DepartureId}: {Moved} moved, {Cancelled} cancelled, {Busy} left busy", departureId, moved, cancelled, busy);
        return new WeatherDefaultOutcome(moved, cancelled, busy);
    }

    /// <summary>Applies the default of every plan whose deadline has passed (the sweeper's job; any instance may run it).</summary>
    public async Task<int> ApplyDueWeatherDefaultsAsync(CancellationToken ct)
    {
        var due = await _locked.RunAsync("find_due_weather_plans", async scope =>
            (await scope.Connection.QueryAsync<Guid>(scope.Command(
                "select departure_id from weather_plans where defaulted_at is null and deadline <= @now", new { now = UtcNow }))).AsList(),
            () => [], ct);
        foreach (var departureId in due)
        {
            await ApplyWeatherDefaultAsync(departureId, "default at the deadline", ct);
        }
        return due.Count;
    }
}
