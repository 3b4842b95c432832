using Dapper;
using JkBoats.Data.Fares;

namespace JkBoats.Data.Inventory;

public sealed partial class SeatInventory
{
    /// <summary>Sets one departure's fare prices (null: not sold on it) under its lock, so a booking deciding at the same moment
    /// prices its passengers either all before or all after. The adult fare is required and is the departure's price_per_seat.</summary>
    public Task<ScheduleOutcome> SetDeparturePricesAsync(Guid departureId, IReadOnlyDictionary<Guid, decimal?> prices, CancellationToken ct) =>
        _locked.RunAsync("set_departure_prices", async scope =>
        {
            if ((await scope.LockDeparturesAsync(departureId)).Count == 0)
            {
                return new ScheduleOutcome(ScheduleResult.NotFound);
            }
            var adult = await scope.Connection.ExecuteScalarAsync<Guid>(scope.Command("select id from fare_types where code = @code", new { code = FareType.Adult }));
            if (!prices.TryGetValue(adult, out var adultPrice) || adultPrice is not > 0)
            {
                return new ScheduleOutcome(ScheduleResult.NothingToChange);
            }
            const string sql = """
                delete from departure_fares where departure_id = @departureId and fare_type_id = any(@cleared);
                insert into departure_fares (departure_id, fare_type_id, price)
                select @departureId, p.fare_type_id, p.price from unnest(@ids::uuid[], @values::numeric[]) as p(fare_type_id, price)
                where exists (select 1 from fare_types f where f.id = p.fare_type_id)
                on conflict (departure_id, fare_type_id) do update set price = excluded.price;
                update departures set price_per_seat = @adultPrice, updated_at = now() where id = @departureId;
                """;
            await scope.Connection.ExecuteAsync(scope.Command(sql, new
            {
                departureId,
                cleared = prices.Where(p => p.Value is null).Select(p => p.Key).ToArray(),
                ids = prices.Where(p => p.Value is not null).Select(p => p.Key).ToArray(),
                values = prices.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToArray(),
                adultPrice,
            }));
            await scope.CommitAsync();
            return new ScheduleOutcome(ScheduleResult.Done);
        }, () => new ScheduleOutcome(ScheduleResult.Busy), ct);
}
