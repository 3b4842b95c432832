using System.Globalization;
using Dapper;
using JkBoats.Data.Email;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>Two app processes on one database both sweep for reminders every 50 ms, one of them is restarted, and still every
/// booking gets exactly one reminder row and one reminder message. The once-guarantee is the database's (a unique index and
/// <c>on conflict do nothing</c>), not any process's memory: without the index this test fails at once.</summary>
public sealed class ReminderOnceAcrossProcessesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reminders_are_sent_exactly_once_per_booking_across_two_processes_and_a_restart()
    {
        await using var smtp = SmtpTestServer.Start();
        var settings = AppProcess.SmtpSettings(smtp.Port, TimeSpan.FromSeconds(10));
        settings["Email__ReminderLead"] = "1.00:00:00";
        settings["Email__ReminderSweepInterval"] = "00:00:00.050";
        await using var pair = await AppProcessPair.StartAsync("jkboats_remind_once", settings);
        var departures = new List<TestDeparture>();
        for (var i = 0; i < 3; i++)
        {
            departures.Add(await pair.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(2 + i)));
        }
        var bookings = new List<(Guid Id, string Email)>();
        async Task BookThroughAsync(AppProcess process, int count)
        {
            using var http = process.CreateHttpClient();
            for (var i = 0; i < count; i++)
            {
                var email = $"once.{Guid.NewGuid():N}@example.com";
                var answer = await BookingApi.PostAsync(http, BookingApi.Body(departures[i % departures.Count].DepartureId, 1,
                    new { email, full_name = "Otto Once", phone = "+14155550132" }));
                Assert.Equal(201, answer.Status);
                lock (bookings)
                {
                    bookings.Add((answer.Body.GetProperty("booking_id").GetGuid(), email));
                }
            }
        }
        await Task.WhenAll(BookThroughAsync(pair.A, 8), BookThroughAsync(pair.B, 8));
        await Eventually.HoldsAsync(async () => await SentRemindersAsync(pair) >= bookings.Count, Patience, "a reminder sent for every booking");

        pair.A.Terminate();
        Assert.True(await pair.A.WaitForExitAsync(TimeSpan.FromSeconds(20)), "process A did not stop after SIGTERM");
        await using var restarted = await AppProcess.StartAsync(pair.ConnectionString, settings);
        var sweepsBefore = await SweepsAsync(pair.B);
        await Task.WhenAll(BookThroughAsync(restarted, 4), BookThroughAsync(pair.B, 4));
        await Eventually.HoldsAsync(async () => await SentRemindersAsync(pair) >= bookings.Count, Patience, "a reminder sent for every booking");
        // Both sweepers have gone over every booking many times since: the restarted one from scratch.
        await Eventually.HoldsAsync(async () => await SweepsAsync(restarted) >= 20 && await SweepsAsync(pair.B) >= sweepsBefore + 20,
            Patience, "twenty more sweeps in each process");

        Assert.Equal(24, bookings.Count);
        await using var connection = await pair.Db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(Guid BookingId, int Rows)>(
            "select booking_id, count(*)::int from email_outbox where kind = @kind group by booking_id",
            new { kind = EmailKinds.BookingReminder })).ToDictionary(r => r.BookingId, r => r.Rows);
        foreach (var (id, email) in bookings)
        {
            Assert.Equal(1, rows.GetValueOrDefault(id));
            Assert.Single(smtp.DeliveriesTo(email), d => KindOf(d.Message) == EmailKinds.BookingReminder);
        }
        Assert.Equal(bookings.Count, rows.Values.Sum());
    }

    private static async Task<long> SentRemindersAsync(AppProcessPair pair)
    {
        await using var connection = await pair.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from email_outbox where kind = @kind and status = 'sent'",
            new { kind = EmailKinds.BookingReminder });
    }

    /// <summary>The process's own count of sweeps (loopback may read /metrics).</summary>
    private static async Task<double> SweepsAsync(AppProcess process)
    {
        using var http = process.CreateHttpClient();
        var metrics = await http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("jkboats_reminder_sweeps_total ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
