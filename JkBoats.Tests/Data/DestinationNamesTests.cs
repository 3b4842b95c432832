using Dapper;
using JkBoats.Data;
using JkBoats.Data.Departures;
using JkBoats.Tests.Infrastructure;
using Npgsql;

namespace JkBoats.Tests.Data;

/// <summary>The listing's destination list reads <c>destination_names</c>, which triggers on departures keep: after any mix of
/// schedule changes, one at a time or at once, it says exactly what a count of the departures themselves says.</summary>
public sealed class DestinationNamesTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private TestData _data = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await SharedPostgres.CreateMigratedDatabaseAsync("jkboats_destnames"));
        _data = new TestData(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed record NameRow(string NameKey, string Destination, DateTime LastDeparture);

    /// <summary>What destination_names holds for these names, and what a recount of departures says it should hold.</summary>
    private async Task<(List<NameRow> Kept, List<NameRow> Counted)> CompareAsync(IEnumerable<string> names)
    {
        var keys = names.Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        await using var connection = await _db.OpenConnectionAsync();
        var kept = (await connection.QueryAsync<NameRow>(
            "select name_key, destination, last_departure from destination_names where name_key = any(@keys) order by name_key", new { keys })).AsList();
        var counted = (await connection.QueryAsync<NameRow>("""
            select distinct on (lower(destination)) lower(destination) as name_key, destination, departure_time as last_departure
            from departures where lower(destination) = any(@keys) and status = 'scheduled'
            order by lower(destination), departure_time desc
            """, new { keys })).AsList();
        return (kept, counted);
    }

    [Fact]
    public async Task Inserts_cancels_moves_renames_and_deletes_keep_each_name_with_its_last_scheduled_departure()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        string Name(string n) => $"Isle {n} {tag}";
        var first = await _data.CreateDepartureAsync(destination: Name("A"), departureTime: DateTime.UtcNow.Date.AddDays(5).AddHours(9));
        var names = new[] { Name("A"), Name("B"), Name("C") };
        await using (var connection = await _db.OpenConnectionAsync())
        {
            // One statement inserting several names (the statement trigger refreshes each once), one of them in two cases.
            await connection.ExecuteAsync("""
                insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
                select @BoatId, @start + make_interval(hours => g), case g % 3 when 0 then @a when 1 then @b else upper(@c) end, 20, 10, 10
                from generate_series(1, 30) g
                """, new { first.BoatId, start = first.DepartureTime, a = names[0], b = names[1], c = names[2] });
        }
        var (kept, counted) = await CompareAsync(names);
        Assert.Equal(3, kept.Count);
        Assert.Equal(counted, kept);
        Assert.Equal(names[2].ToUpperInvariant(), kept.Single(k => k.NameKey == names[2].ToLowerInvariant()).Destination);

        await using (var connection = await _db.OpenConnectionAsync())
        {
            // Cancel B's last departure: its row falls back to the one before.
            await connection.ExecuteAsync("""
                update departures set status = 'cancelled'
                where id = (select id from departures where lower(destination) = lower(@b) order by departure_time desc limit 1)
                """, new { b = names[1] });
            (kept, counted) = await CompareAsync(names);
            Assert.Equal(counted, kept);

            // Move A's first departure past every other: it becomes A's last.
            await connection.ExecuteAsync("update departures set departure_time = @later where id = @DepartureId",
                new { later = first.DepartureTime.AddDays(30), first.DepartureId });
            (kept, counted) = await CompareAsync(names);
            Assert.Equal(first.DepartureTime.AddDays(30), kept.Single(k => k.NameKey == names[0].ToLowerInvariant()).LastDeparture);
            Assert.Equal(counted, kept);

            // Rename every C departure to a new name: C goes, the new name comes.
            var renamed = Name("D");
            await connection.ExecuteAsync("update departures set destination = @renamed where lower(destination) = lower(@c)", new { renamed, c = names[2] });
            (kept, counted) = await CompareAsync([.. names, renamed]);
            Assert.DoesNotContain(kept, k => k.NameKey == names[2].ToLowerInvariant());
            Assert.Contains(kept, k => k.Destination == renamed);
            Assert.Equal(counted, kept);

            // Cancel all of B: B goes from the list; delete D's departures: D goes too.
            await connection.ExecuteAsync("update departures set status = 'cancelled' where lower(destination) = lower(@b)", new { b = names[1] });
            await connection.ExecuteAsync("delete from departure_fares where departure_id in (select id from departures where destination = @renamed)", new { renamed });
            await connection.ExecuteAsync("delete from departures where destination = @renamed", new { renamed });
            (kept, counted) = await CompareAsync([.. names, renamed]);
            Assert.Equal([names[0].ToLowerInvariant()], kept.Select(k => k.NameKey));
            Assert.Equal(counted, kept);
        }
    }

    [Fact]
    public async Task Concurrent_schedule_changes_to_the_same_names_leave_no_stale_row()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, 3).Select(i => $"Storm Isle {i} {tag}").ToArray();
        var boat = await _data.CreateDepartureAsync(destination: names[0], departureTime: DateTime.UtcNow.Date.AddDays(4));
        var start = boat.DepartureTime;
        var slot = 0;

        async Task WorkerAsync(int worker)
        {
            var random = new Random(worker);
            for (var i = 0; i < 25; i++)
            {
                await using var connection = await _db.OpenConnectionAsync();
                await using var tx = await connection.BeginTransactionAsync();
                var name = names[random.Next(names.Length)];
                var other = names[random.Next(names.Length)];
                try
                {
                    switch (random.Next(4))
                    {
                        case 0:
                            await connection.ExecuteAsync("""
                                insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
                                values (@BoatId, @when, @name, 20, 10, 10)
                                """, new { boat.BoatId, when = start.AddDays(1000).AddMinutes(Interlocked.Increment(ref slot)), name }, tx);
                            break;
                        case 1:
                            await connection.ExecuteAsync("""
                                update departures set status = case status when 'scheduled' then 'cancelled' else 'scheduled' end
                                where id = (select id from departures where lower(destination) = lower(@name) order by departure_time desc limit 1)
                                """, new { name }, tx);
                            break;
                        case 2:
                            await connection.ExecuteAsync("""
                                update departures set destination = @other
                                where id = (select id from departures where lower(destination) = lower(@name) order by departure_time desc limit 1)
                                """, new { name, other }, tx);
                            break;
                        default:
                            await connection.ExecuteAsync("""
                                update departures set departure_time = departure_time + interval '1 hour' * (1 + @days)
                                where id = (select id from departures where lower(destination) = lower(@name) order by random() limit 1)
                                """, new { name, days = random.Next(20) }, tx);
                            break;
                    }
                    // Held open a while, so most changes overlap another's on the same name (each moves that name's last departure).
                    await Task.Delay(2 + random.Next(10));
                    await tx.CommitAsync();
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation)
                {
                    // A moved departure may land on another of the same boat at the same time: that change is simply refused.
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() => WorkerAsync(w))));

        var (kept, counted) = await CompareAsync(names);
        Assert.NotEmpty(counted);
        Assert.Equal(counted, kept);
    }

    [Fact]
    public async Task The_repository_lists_names_with_a_departure_from_the_given_time_only()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var soon = await _data.CreateDepartureAsync(destination: $"Soon Isle {tag}", departureTime: DateTime.UtcNow.Date.AddDays(2));
        await _data.AddDepartureAsync(soon, soon.DepartureTime.AddDays(1), $"Later Isle {tag}");
        var repository = new DepartureRepository(_db, new ReadDataSource(_db, null));

        var fromToday = await repository.ListDestinationsAsync(DateTime.UtcNow, CancellationToken.None);
        var afterSoon = await repository.ListDestinationsAsync(soon.DepartureTime.AddHours(1), CancellationToken.None);

        Assert.Contains($"Soon Isle {tag}", fromToday);
        Assert.Contains($"Later Isle {tag}", fromToday);
        Assert.DoesNotContain($"Soon Isle {tag}", afterSoon);
        Assert.Contains($"Later Isle {tag}", afterSoon);
    }
}
