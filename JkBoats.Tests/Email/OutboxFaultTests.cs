using Dapper;
using JkBoats.Data.Email;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace JkBoats.Tests.Email;

public sealed class OutboxFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task When_the_mail_server_is_down_bookings_succeed_and_each_email_arrives_once_it_comes_up()
    {
        await using var bed = await EmailTestBed.CreateAsync(SmtpTestServer.Stopped());
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var emails = Enumerable.Range(0, 3).Select(i => $"patient{i}.{Guid.NewGuid():N}@example.com").ToList();

        var answers = new List<BookingApi.Answer>();
        foreach (var email in emails)
        {
            answers.Add(await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Pat Ient", phone = "+14155550132" })));
        }

        Assert.All(answers, answer => Assert.Equal(201, answer.Status));
        var bookingIds = answers.Select(answer => answer.Body.GetProperty("booking_id").GetGuid()).ToList();
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingIds[0])).Single() is { Status: "failed", Attempts: >= 2 },
            Patience, "two refused attempts");
        Assert.Contains("refused", (await bed.OutboxRowsAsync(bookingIds[0])).Single().LastError, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(bed.Smtp.Deliveries);

        bed.Smtp.StartAgain();

        foreach (var bookingId in bookingIds)
        {
            await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).Single().Status == "sent", Patience, "every email sent");
        }
        await bed.StopAppsAsync();
        Assert.All(emails, email => Assert.Single(bed.Smtp.DeliveriesTo(email)));
        Assert.All(emails, email => Assert.Single(bed.Smtp.AttemptsFor(email)));
    }

    [Fact]
    public async Task Stopping_the_app_lets_the_send_in_flight_finish_and_returns_the_rest_of_the_batch_to_the_queue()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        bed.Smtp.DataDelay = TimeSpan.FromMilliseconds(700);
        var booker = bed.StartApp(new Dictionary<string, string?> { ["Email:Worker:Enabled"] = "false" });
        using var http = booker.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1))).Status);
        }
        bed.StartApp(new Dictionary<string, string?> { ["Email:Worker:BatchSize"] = "10" });

        await Eventually.HoldsAsync(() => bed.Smtp.RecipientAttempts.Count >= 1, Patience, "a send in flight");
        await bed.StopAppsAsync();

        await using var connection = await bed.Db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Status, int Attempts, string? ClaimedBy)>(
            "select status, attempts, claimed_by from email_outbox")).AsList();
        Assert.Equal(1, rows.Count(row => row.Status == "sent"));
        Assert.Single(bed.Smtp.Deliveries);
        Assert.Equal(3, rows.Count(row => row == ("pending", 0, null)));
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_growing_gaps_until_the_server_accepts()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        bed.Smtp.RecipientReply = (_, attempt) => attempt switch { 1 => 421, 2 or 3 => 451, _ => null };
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"flaky.{Guid.NewGuid():N}@example.com";

        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Flaky Server", phone = "+14155550132" }));

        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).Single().Status == "sent", Patience, "the email sent");
        var attempts = bed.Smtp.AttemptsFor(email);
        Assert.Equal([421, 451, 451, 250], attempts.Select(a => a.Reply));
        var gaps = attempts.Zip(attempts.Skip(1), (earlier, later) => later.At - earlier.At).ToList();
        output.WriteLine($"gaps between attempts: {string.Join(", ", gaps.Select(g => $"{g.TotalMilliseconds:0} ms"))}");
        // Backoff 400 ms doubling, less up to 20% jitter: each gap is at least 320, 640 and 1280 ms. A busy machine only makes
        // a gap longer, so the floors are what the backoff guarantees (comparing gaps with each other was flaky under load).
        for (var i = 0; i < gaps.Count; i++)
        {
            var floor = TimeSpan.FromMilliseconds(400 * Math.Pow(2, i) * 0.8 - 5);
            Assert.True(gaps[i] >= floor, $"retry {i + 1} came after {gaps[i].TotalMilliseconds:0} ms, before its backoff of at least {floor.TotalMilliseconds:0} ms");
        }
        var row = (await bed.OutboxRowsAsync(bookingId)).Single();
        Assert.Equal((4, (string?)null), (row.Attempts, row.LastError));
        Assert.Single(bed.Smtp.DeliveriesTo(email));
    }

    [Fact]
    public async Task A_permanent_rejection_marks_the_email_dead_and_other_emails_still_flow()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        bed.Smtp.RecipientReply = (address, _) => address.StartsWith("bounce.", StringComparison.Ordinal) ? 550 : null;
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var bounce = $"bounce.{Guid.NewGuid():N}@example.com";
        var fine = Enumerable.Range(0, 3).Select(i => $"fine{i}.{Guid.NewGuid():N}@example.com").ToList();

        var bounced = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email = bounce, full_name = "No Such", phone = "+14155550132" }));
        foreach (var email in fine)
        {
            Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Fine Guest", phone = "+14155550132" }))).Status);
        }

        Assert.Equal(201, bounced.Status);
        var bouncedId = bounced.Body.GetProperty("booking_id").GetGuid();
        await Eventually.HoldsAsync(() => fine.All(email => bed.Smtp.DeliveriesTo(email).Count == 1), Patience, "the other emails");
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bouncedId)).Single().Status == "dead", Patience, "the bounced email dead");
        var dead = (await bed.OutboxRowsAsync(bouncedId)).Single();
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("550", dead.LastError);
        Assert.DoesNotContain(bounce, dead.LastError);
        Assert.Empty(bed.Smtp.DeliveriesTo(bounce));
        await bed.StopAppsAsync();
        Assert.Single(bed.Smtp.AttemptsFor(bounce));
    }

    [Fact]
    public async Task An_email_that_keeps_failing_is_given_up_after_the_maximum_attempts()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        bed.Smtp.RecipientReply = (_, _) => 451;
        var app = bed.StartApp(new Dictionary<string, string?> { ["Email:Worker:MaxAttempts"] = "3", ["Email:Worker:BackoffBase"] = "00:00:00.100" });
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"never.{Guid.NewGuid():N}@example.com";

        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Never Lands", phone = "+14155550132" }));

        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).Single().Status == "dead", Patience, "the email dead");
        await bed.StopAppsAsync();
        Assert.Equal(3, (await bed.OutboxRowsAsync(bookingId)).Single().Attempts);
        Assert.Equal(3, bed.Smtp.AttemptsFor(email).Count);
    }

    [Fact]
    public async Task A_row_claimed_by_a_worker_that_died_is_sent_by_another_worker_after_the_lease_expires()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var booker = bed.StartApp(new Dictionary<string, string?> { ["Email:Worker:Enabled"] = "false" });
        using var http = booker.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"orphan.{Guid.NewGuid():N}@example.com";
        var answer = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Orphan Row", phone = "+14155550132" }));
        var bookingId = answer.Body.GetProperty("booking_id").GetGuid();

        var claimed = await bed.Outbox.ClaimDueAsync("worker-that-died", 10, TimeSpan.FromSeconds(2), CancellationToken.None);
        var leaseEnds = (await bed.OutboxRowsAsync(bookingId)).Single().ClaimedUntil!.Value;
        bed.StartApp();

        Assert.Equal(bookingId, Assert.Single(claimed).BookingId);
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).Single().Status == "sent", Patience, "the orphaned email sent");
        var delivery = Assert.Single(bed.Smtp.DeliveriesTo(email));
        Assert.True(delivery.ReceivedAt >= leaseEnds.AddMilliseconds(-50), $"sent at {delivery.ReceivedAt:O}, while the lease ran until {leaseEnds:O}");
        var row = (await bed.OutboxRowsAsync(bookingId)).Single();
        Assert.Equal(2, row.Attempts);
        Assert.NotEqual("worker-that-died", row.ClaimedBy);
        Assert.False(await bed.Outbox.MarkSentAsync(row.Id, "worker-that-died", CancellationToken.None), "a worker whose lease ran out no longer owns the row");
    }

    [Fact]
    public async Task Two_workers_on_one_database_never_send_the_same_row_twice()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        bed.Smtp.DataDelay = TimeSpan.FromMilliseconds(5);
        var apps = new[] { bed.StartApp(), bed.StartApp() };
        var clients = apps.Select(app => app.CreateHttpClient()).ToArray();
        var departure = await bed.Data.CreateDepartureAsync(capacity: 200);
        const int bookings = 60;

        var answers = await Task.WhenAll(Enumerable.Range(0, bookings).Select(i =>
            BookingApi.PostAsync(clients[i % 2], BookingApi.Body(departure.DepartureId, 1))));

        Assert.All(answers, answer => Assert.Equal(201, answer.Status));
        await Eventually.HoldsAsync(async () => await SentCountAsync(bed) == bookings, Patience, "every email sent");
        var senders = await SendersAsync(bed);
        var manageLinks = apps.Select(app => app.Services.GetRequiredService<ManageLinks>()).ToArray();
        await bed.StopAppsAsync();

        var messageIds = bed.Smtp.Deliveries.Select(d => d.Message.MessageId).ToList();
        Assert.Equal(bookings, messageIds.Count);
        Assert.Equal(bookings, messageIds.Distinct().Count());
        output.WriteLine($"emails sent per worker: {string.Join(", ", senders)}");
        Assert.True(senders.Count >= 2, "both workers should have sent some of the emails");
        foreach (var answer in answers.Take(5))
        {
            var bookingId = answer.Body.GetProperty("booking_id").GetGuid();
            var token = await manageLinks[0].TokenForAsync(bookingId, CancellationToken.None);
            Assert.Equal(token, await manageLinks[1].TokenForAsync(bookingId, CancellationToken.None));
        }
        foreach (var clientToDispose in clients)
        {
            clientToDispose.Dispose();
        }
    }

    [Fact]
    public async Task Negative_control_two_workers_reading_the_outbox_without_claiming_do_send_duplicates()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["Email:Worker:Enabled"] = "false" });
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(201, (await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1))).Status);
        }
        var bothHaveRead = new Barrier(2);

        async Task NaiveWorkerAsync()
        {
            List<(Guid Id, string Recipient)> due;
            await using (var connection = await bed.Db.OpenConnectionAsync())
            {
                due = (await connection.QueryAsync<(Guid, string)>("select id, recipient from email_outbox where status = 'pending'")).AsList();
            }
            await Task.Run(() => bothHaveRead.SignalAndWait(TimeSpan.FromSeconds(10)));
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync("127.0.0.1", bed.Smtp.Port, SecureSocketOptions.None);
            foreach (var (id, recipient) in due)
            {
                var message = new MimeMessage { MessageId = $"{id:N}@jkboats.example", Subject = "naive", Body = new TextPart("plain") { Text = "naive" } };
                message.From.Add(MailboxAddress.Parse("bookings@jkboats.example"));
                message.To.Add(MailboxAddress.Parse(recipient));
                await smtp.SendAsync(message);
                await using var connection = await bed.Db.OpenConnectionAsync();
                await connection.ExecuteAsync("update email_outbox set status = 'sent', sent_at = now() where id = @id", new { id });
            }
            await smtp.DisconnectAsync(quit: true);
        }

        await Task.WhenAll(NaiveWorkerAsync(), NaiveWorkerAsync());

        var messageIds = bed.Smtp.Deliveries.Select(d => d.Message.MessageId).ToList();
        Assert.Equal(10, messageIds.Distinct().Count());
        Assert.NotEqual(messageIds.Count, messageIds.Distinct().Count());
    }

    [Fact]
    public async Task A_booking_that_is_refused_or_rolled_back_leaves_no_outbox_row()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync(capacity: 3);
        await using (var connection = await bed.Db.OpenConnectionAsync())
        {
            // Makes the outbox insert fail for some recipients, after the seats were taken in the same transaction.
            await connection.ExecuteAsync("""
                create function refuse_outbox_row() returns trigger language plpgsql as $$
                begin
                    raise exception 'outbox refused for this test';
                end $$;
                create trigger refuse_outbox_row before insert on email_outbox
                    for each row when (new.recipient like 'refused.%') execute function refuse_outbox_row();
                """);
        }

        var tooMany = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 4));
        var refusedEmail = $"refused.{Guid.NewGuid():N}@example.com";
        var refused = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 2, new { email = refusedEmail, full_name = "Roll Back", phone = "+14155550132" }));

        Assert.Equal(400, tooMany.Status);
        Assert.True(refused.Status >= 500, $"status {refused.Status}");
        Assert.Equal(0, await bed.OutboxCountAsync());
        Assert.Equal(new SeatState(3, 3, 0, 0), await bed.Data.SeatStateAsync(departure.DepartureId));
        Assert.Equal(0, await bed.Data.CountAsync("customers"));

        var booked = await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 2));
        Assert.Equal(201, booked.Status);
        Assert.Equal(1, await bed.OutboxCountAsync());
        Assert.Equal(new SeatState(3, 1, 2, 1), await bed.Data.SeatStateAsync(departure.DepartureId));
    }

    [Fact]
    public async Task Replayed_and_simultaneous_requests_with_one_idempotency_key_send_one_email()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp();
        using var http = app.CreateHttpClient();
        var departure = await bed.Data.CreateDepartureAsync();
        var email = $"twice.{Guid.NewGuid():N}@example.com";
        var body = BookingApi.Body(departure.DepartureId, 1, new { email, full_name = "Double Click", phone = "+14155550132" });
        var key = Guid.NewGuid().ToString();

        var twins = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => BookingApi.PostAsync(http, body, key)));
        var replay = await BookingApi.PostAsync(http, body, key);

        Assert.All(twins.Append(replay), answer => Assert.Equal(201, answer.Status));
        var bookingId = replay.Body.GetProperty("booking_id").GetGuid();
        await Eventually.HoldsAsync(async () => (await bed.OutboxRowsAsync(bookingId)).Single().Status == "sent", Patience, "the email sent");
        await bed.StopAppsAsync();
        Assert.Equal(1, await bed.OutboxCountAsync());
        Assert.Single(bed.Smtp.DeliveriesTo(email));
    }

    private static async Task<long> SentCountAsync(EmailTestBed bed)
    {
        await using var connection = await bed.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from email_outbox where status = 'sent'");
    }

    private static async Task<List<string>> SendersAsync(EmailTestBed bed)
    {
        await using var connection = await bed.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("""
            select count(*) || ' by ' || claimed_by from email_outbox where status = 'sent' group by claimed_by order by 1
            """)).AsList();
    }
}
