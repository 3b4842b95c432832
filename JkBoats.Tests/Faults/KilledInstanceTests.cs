using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using JkBoats.Tests.Api;
using JkBoats.Tests.Email;
using JkBoats.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace JkBoats.Tests.Faults;

/// <summary>One of two app processes SIGKILLed in the middle of a booking storm while it holds claimed emails leaves no
/// half-written booking, every 201 committed, and its claimed emails sent by the other process once their lease expires.</summary>
public sealed class KilledInstanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    private sealed record Outcome(char Instance, int? Status, Guid? BookingId, string Email);

    [Fact(Timeout = 240_000)]
    public async Task An_instance_killed_mid_storm_leaves_no_half_written_booking_and_its_claimed_emails_are_sent_by_the_other()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(200));
        await using var smtp = SmtpTestServer.Start();
        // A slow mail server: each worker sits on its claimed batch for a while, so A holds claimed rows when it dies.
        smtp.DataDelay = TimeSpan.FromSeconds(1);
        await using var pair = await AppProcessPair.StartAsync("jkboats_kill", AppProcess.SmtpSettings(smtp.Port, Lease), deadline.Token);
        var (a, b, db, data) = (pair.A, pair.B, pair.Db, pair.Data);
        using var httpA = a.CreateHttpClient(TimeSpan.FromSeconds(20));
        using var httpB = b.CreateHttpClient(TimeSpan.FromSeconds(20));
        var departures = new List<TestDeparture>();
        for (var i = 0; i < 4; i++)
        {
            departures.Add(await data.CreateDepartureAsync(capacity: 1000));
        }

        var outcomes = new ConcurrentQueue<Outcome>();
        using var stopStorm = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var aDead = false;
        async Task ClientLoop(char instance, HttpClient http, int n)
        {
            var departure = departures[n % departures.Count];
            while (!stopStorm.IsCancellationRequested && !(instance == 'A' && Volatile.Read(ref aDead)))
            {
                var email = $"kill-{Guid.NewGuid():N}@example.com";
                try
                {
                    var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email)));
                    Guid? id = answer.Status == 201 ? answer.Body.GetProperty("booking_id").GetGuid() : null;
                    outcomes.Enqueue(new Outcome(instance, answer.Status, id, email));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    outcomes.Enqueue(new Outcome(instance, null, null, email)); // no answer: the instance died under it
                }
            }
        }

        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 12).Select(n => Task.Run(() => ClientLoop('A', httpA, n)))
            .Concat(Enumerable.Range(0, 12).Select(n => Task.Run(() => ClientLoop('B', httpB, n)))).ToList();

        // Kill A once the storm is under way and A's worker holds claimed (unsent) rows.
        await Eventually.HoldsAsync(async () => await ClaimedByAsync(db, a.ProcessId) >= 2, TimeSpan.FromSeconds(30),
            "instance A holding claimed emails", every: TimeSpan.FromMilliseconds(20), ct: deadline.Token);
        a.Kill();
        Volatile.Write(ref aDead, true);
        var killedAt = clock.Elapsed;
        int BookedByB() => outcomes.Count(o => o.Instance == 'B' && o.Status == 201);
        var bookedByBAtKill = BookedByB();
        Assert.True(await a.WaitForExitAsync(TimeSpan.FromSeconds(10)), "instance A did not die");
        List<Guid> orphaned;
        long queuedAtKill;
        await using (var snapshot = await db.OpenConnectionAsync())
        {
            orphaned = (await snapshot.QueryAsync<Guid>(
                "select id from email_outbox where status = 'sending' and claimed_by like @pattern",
                new { pattern = $"%:{a.ProcessId}:%" })).ToList();
            queuedAtKill = await snapshot.ExecuteScalarAsync<long>("select count(*) from email_outbox where status <> 'sent'");
        }

        // B keeps taking bookings after A is gone, then the storm stops and the mail server speeds up again.
        await Eventually.HoldsAsync(() => BookedByB() >= bookedByBAtKill + 5, TimeSpan.FromSeconds(30), "instance B confirming five more bookings after A died",
            ct: deadline.Token);
        stopStorm.Cancel();
        await Task.WhenAll(clients).WaitAsync(deadline.Token);
        smtp.DataDelay = TimeSpan.Zero;
        var stormEnded = clock.Elapsed;

        // No half-written booking: the seat invariant holds and every booking has exactly one confirmation email row.
        Assert.Empty(await data.InvariantViolationsAsync());
        await using var connection = await db.OpenConnectionAsync();
        var withoutEmail = await connection.ExecuteScalarAsync<long>("""
            select count(*) from bookings b
            where (select count(*) from email_outbox o where o.booking_id = b.id and o.kind = 'booking_confirmed') <> 1
            """);
        Assert.Equal(0, withoutEmail);

        var answered = outcomes.Where(o => o.Status == 201).Select(o => o.BookingId!.Value).ToArray();
        var committed = await connection.ExecuteScalarAsync<long>(
            "select count(*) from bookings where id = any(@ids) and status = 'confirmed'", new { ids = answered });
        Assert.Equal(answered.Length, committed);
        Assert.DoesNotContain(outcomes, o => o.Status >= 500);
        Assert.Contains(outcomes, o => o.Instance == 'B' && o.Status == 201);

        // Every email ends sent, A's orphaned claims by B after the lease ran out; each delivered once or as the same message.
        await Eventually.HoldsAsync(async () => await connection.ExecuteScalarAsync<long>(
            "select count(*) from email_outbox where status <> 'sent'") == 0, TimeSpan.FromSeconds(60), "every email sent");
        var drained = clock.Elapsed;
        var rows = (await connection.QueryAsync<(Guid Id, string Recipient, string ClaimedBy)>(
            "select id, recipient, claimed_by from email_outbox")).ToList();
        Assert.All(rows.Where(r => orphaned.Contains(r.Id)), r => Assert.Contains($":{b.ProcessId}:", r.ClaimedBy));
        var deliveries = smtp.Deliveries;
        var duplicates = 0;
        foreach (var row in rows)
        {
            var mine = deliveries.Where(d => d.Recipients.Contains(row.Recipient, StringComparer.OrdinalIgnoreCase)).ToList();
            Assert.NotEmpty(mine);
            Assert.Single(mine.Select(d => d.Message.MessageId).Distinct());
            duplicates += mine.Count - 1;
        }
        var bookings = await connection.ExecuteScalarAsync<long>("select count(*) from bookings");

        output.WriteLine($"storm: {outcomes.Count} requests ({outcomes.Count(o => o.Instance == 'A')} to A, {outcomes.Count(o => o.Instance == 'B')} to B), " +
            $"A killed at {killedAt.TotalSeconds:0.0} s, storm ended at {stormEnded.TotalSeconds:0.0} s; answers " +
            string.Join(", ", outcomes.GroupBy(o => (o.Instance, o.Status)).OrderBy(g => g.Key.Instance).Select(g => $"{g.Key.Instance}:{g.Key.Status?.ToString() ?? "none"}x{g.Count()}")));
        output.WriteLine($"{bookings} bookings committed ({bookings - answered.Length} without an answer), {rows.Count} emails; at the kill {queuedAtKill} unsent, " +
            $"{orphaned.Count} claimed by A; all sent at {drained.TotalSeconds:0.0} s; {deliveries.Count} deliveries, {duplicates} resent with the same Message-ID");
        Assert.NotEmpty(orphaned);
    }

    private static async Task<long> ClaimedByAsync(NpgsqlDataSource db, int processId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "select count(*) from email_outbox where status = 'sending' and claimed_by like @pattern", new { pattern = $"%:{processId}:%" });
    }
}
