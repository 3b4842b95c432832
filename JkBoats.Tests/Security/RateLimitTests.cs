using System.Net;
using System.Text;
using System.Text.Json;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using JkBoats.Tests.Staff;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Security;

/// <summary>Per-client limits on booking and sign-in, per-account limits on sign-in, and who may say who the client is.</summary>
[Collection(AppCollection.Name)]
public sealed class RateLimitTests(AppFixture fixture)
{
    private JkBoatsApp LimitedApp(params (string Key, string Value)[] settings) =>
        new(fixture.App.ConnectionString, settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    [Fact]
    public async Task Bookings_beyond_the_per_client_limit_get_429_with_retry_after_and_book_nothing()
    {
        await using var app = LimitedApp(("JkBoats:RateLimits:BookingsPerMinute", "3"));
        using var http = app.CreateHttpClient();
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 20);

        var answers = new List<BookingApi.Answer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await BookingApi.PostAsync(http, BookingApi.Body(departure.DepartureId, 1)));
        }

        Assert.Equal([201, 201, 201, 429, 429], answers.Select(a => a.Status));
        Assert.Equal("rate_limited", answers[^1].Body.GetProperty("error").GetString());
        Assert.InRange(int.Parse(answers[^1].Response.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Equal(3, (await fixture.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/boats")).StatusCode);
    }

    [Fact]
    public async Task The_sites_confirm_step_shares_the_booking_limit_while_the_steps_before_it_do_not_count()
    {
        await using var app = LimitedApp(("JkBoats:RateLimits:BookingsPerMinute", "2"));
        using var api = app.CreateHttpClient();
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 20);
        Assert.Equal(201, (await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1))).Status);

        using var visitor = new SiteSession(app.BaseAddress);
        var details = new Dictionary<string, string>
        {
            ["fares[adult]"] = "1", ["full_name"] = "Rita Rate", ["email"] = $"rita-{Guid.NewGuid():N}@example.com", ["phone"] = "+14155550142",
        };
        for (var i = 0; i < 3; i++)
        {
            var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
            Assert.Equal(HttpStatusCode.OK, form.Status);
        }
        var review = await visitor.SubmitAsync((await visitor.GetAsync($"/departures/{departure.DepartureId}/book")).Form("#booking-step form"), details);
        Assert.Equal(HttpStatusCode.OK, review.Status);
        var booked = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        Assert.Equal(HttpStatusCode.SeeOther, booked.Status);
        var limited = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("Please wait a minute", limited.Text("h1"));
        Assert.Equal(2, (await fixture.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    /// <summary>
    /// Razor Pages runs the handler named by the first <c>handler</c> query value (key and name in any case), never one
    /// named in the form, and HEAD as GET; every spelling that reaches the confirm step counts, and none books past the limit.
    /// </summary>
    [Fact]
    public async Task Confirm_posts_count_toward_the_booking_limit_however_the_handler_and_path_are_spelled()
    {
        const int limit = 3;
        await using var app = LimitedApp(("JkBoats:RateLimits:BookingsPerMinute", limit.ToString()));
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 50);
        using var visitor = new SiteSession(app.BaseAddress);
        var review = await visitor.SubmitAsync((await visitor.GetAsync($"/departures/{departure.DepartureId}/book")).Form("#booking-step form"),
            new Dictionary<string, string> { ["fares[adult]"] = "1", ["full_name"] = "Hana Handler", ["email"] = $"hana-{Guid.NewGuid():N}@example.com", ["phone"] = "+14155550143" });
        var fields = review.Form("form[action$='handler=Confirm']").QuerySelectorAll("input[name]")
            .ToDictionary(input => input.GetAttribute("name")!, input => input.GetAttribute("value") ?? "");
        var id = departure.DepartureId;
        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        (HttpMethod Method, string Url, bool HandlerInForm)[] spellings =
        [
            (HttpMethod.Post, $"/departures/{id}/book?handler=confirm&handler=confirm", false),
            (HttpMethod.Post, $"/departures/{id}/book?handler=confirm&handler=anything", false),
            (HttpMethod.Post, $"/departures/{id}/book?HANDLER=Confirm", false),
            (HttpMethod.Post, $"/departures/{id}/book?handler=CONFIRM&Handler=edit", false),
            (HttpMethod.Post, $"/Departures/{id}/Book?handler=confirm&handler=", false),
            (HttpMethod.Post, $"/departures/{id}/book/?handler=confirm&handler=x", false),
            (HttpMethod.Post, $"/departures/{id}/b%6Fok?%68andler=confirm&handler=x", false),
            (HttpMethod.Post, $"//departures/{id}/book?handler=confirm&handler=x", false),
            (HttpMethod.Post, $"/departures/{id}/book", true),
            (HttpMethod.Head, $"/departures/{id}/book?handler=confirm&handler=x", false),
        ];

        var answers = new List<(string Spelling, HttpStatusCode Status)>();
        for (var i = 0; i < 30; i++)
        {
            var (method, url, handlerInForm) = spellings[i % spellings.Length];
            var form = new Dictionary<string, string>(fields) { ["idempotency_key"] = Guid.NewGuid().ToString() };
            if (handlerInForm)
            {
                form["handler"] = "confirm";
            }
            using var request = new HttpRequestMessage(method, new Uri(origin + url))
            {
                Content = method == HttpMethod.Post ? new FormUrlEncodedContent(form) : null,
            };
            using var response = await visitor.SendRawAsync(request);
            answers.Add(($"{method} {url}{(handlerInForm ? " handler=confirm in the form" : "")}", response.StatusCode));
        }

        var booked = answers.Where(a => a.Status == HttpStatusCode.SeeOther).ToList();
        Assert.True(booked.Count == limit, $"{booked.Count} confirms went through:\n{string.Join("\n", answers)}");
        Assert.Equal(limit, (await fixture.Data.SeatStateAsync(id)).ConfirmedBookings);
        var afterLimit = answers.SkipWhile(a => a != booked[^1]).Skip(1).ToList();
        Assert.All(afterLimit, a => Assert.True(a.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.OK or HttpStatusCode.NotFound,
            $"{a.Spelling} answered {(int)a.Status} after the limit"));
        Assert.Contains(afterLimit, a => a.Status == HttpStatusCode.TooManyRequests && a.Spelling.Contains("handler=confirm&handler=confirm", StringComparison.Ordinal));
        // The form's own handler field and HEAD never reach the confirm step, so they are neither booked nor counted.
        Assert.All(answers.Where(a => a.Spelling.Contains("in the form", StringComparison.Ordinal) || a.Spelling.StartsWith("HEAD", StringComparison.Ordinal)),
            a => Assert.Equal(HttpStatusCode.OK, a.Status));
    }

    [Fact]
    public async Task Cancelling_through_manage_links_is_limited_per_client_however_the_handler_is_spelled()
    {
        await using var app = LimitedApp(("JkBoats:RateLimits:CancellationsPerMinute", "2"));
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 20);
        using var api = app.CreateHttpClient();
        var bookings = new List<(Guid BookingId, string Path)>();
        for (var i = 0; i < 4; i++)
        {
            var created = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1));
            var bookingId = created.Body.GetProperty("booking_id").GetGuid();
            var link = await app.Services.GetRequiredService<JkBoats.Data.Email.ManageLinks>().UrlForAsync(bookingId, CancellationToken.None);
            bookings.Add((bookingId, link.AbsolutePath));
        }

        using var visitor = new SiteSession(app.BaseAddress);
        var statuses = new List<HttpStatusCode>();
        foreach (var (_, path) in bookings)
        {
            var page = await visitor.GetAsync(path);
            var fields = page.Form("form[action*='handler=Cancel']").QuerySelectorAll("input[name]")
                .ToDictionary(input => input.GetAttribute("name")!, input => input.GetAttribute("value") ?? "");
            using var response = await visitor.PostRawAsync($"{path}?handler=cancel&handler=cancel", fields);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, (await fixture.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    [Fact]
    public async Task Guessing_a_whole_code_on_the_open_booking_form_shares_the_look_up_limit_and_the_right_guess_past_it_opens_nothing()
    {
        await using var app = LimitedApp(("JkBoats:RateLimits:LookupsPerMinute", "3"));
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 5);
        using var api = app.CreateHttpClient();
        var email = $"guess-{Guid.NewGuid():N}@example.com";
        var booked = await BookingApi.PostAsync(api, BookingApi.Body(departure.DepartureId, 1, TestData.Customer(email)));
        var bookingId = booked.Body.GetProperty("booking_id").GetGuid();
        using var visitor = new SiteSession(app.BaseAddress);
        var form = (await visitor.GetAsync($"/bookings/{bookingId}/open")).Form("#open-booking");

        var statuses = new List<HttpStatusCode>();
        foreach (var code in new[] { "JKB-AAAAAA", "JKB-BBBBBB", "JKB-CCCCCC", booked.Body.GetProperty("confirmation_code").GetString()! })
        {
            var answer = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["code"] = code, ["contact"] = email });
            statuses.Add(answer.Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/bookings/{bookingId}/open")).Status);
    }

    [Fact]
    public async Task A_spoofed_X_Forwarded_For_from_an_untrusted_sender_changes_nothing_while_a_trusted_proxy_is_believed()
    {
        var departure = await fixture.Data.CreateDepartureAsync(capacity: 50);
        await using var direct = LimitedApp(("JkBoats:RateLimits:BookingsPerMinute", "2"));
        await using var behindProxy = LimitedApp(("JkBoats:RateLimits:BookingsPerMinute", "2"), ("JkBoats:ForwardedHeaders:KnownProxies:0", "127.0.0.1"));

        var spoofed = await BookWithRotatingAddressesAsync(direct, departure.DepartureId, 4);
        Assert.Equal([201, 201, 429, 429], spoofed);
        // Control: the same rotating header through a configured proxy is four different clients.
        var proxied = await BookWithRotatingAddressesAsync(behindProxy, departure.DepartureId, 4);
        Assert.Equal([201, 201, 201, 201], proxied);
    }

    [Fact]
    public async Task Sign_in_is_throttled_per_client_and_per_account_whatever_address_the_attempts_come_from()
    {
        await using var perClient = LimitedApp(("JkBoats:RateLimits:SignInsPerMinute", "3"));
        var email = await StaffSession.CreateStaffAsync(fixture.Db, "agent");
        var fromOneAddress = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            fromOneAddress.Add(await SignInAsync(perClient, $"nobody-{i}@jkboats.example", "wrong password", forwardedFor: null));
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], fromOneAddress);

        await using var perAccount = LimitedApp(("JkBoats:RateLimits:SignInsPerAccountPerMinute", "2"), ("JkBoats:ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        var spread = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            spread.Add(await SignInAsync(perAccount, email, "wrong password", forwardedFor: $"198.51.100.{i + 1}"));
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], spread);
        // Another account from the same addresses is not held back by it.
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(perAccount, await StaffSession.CreateStaffAsync(fixture.Db, "agent"), StaffSession.Password, "198.51.100.3"));
    }

    private static async Task<int[]> BookWithRotatingAddressesAsync(JkBoatsApp app, Guid departureId, int count)
    {
        using var http = app.CreateHttpClient();
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
            {
                Content = new StringContent(JsonSerializer.Serialize(BookingApi.Body(departureId, 1)), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            statuses.Add((int)(await http.SendAsync(request)).StatusCode);
        }
        return [.. statuses];
    }

    private static async Task<HttpStatusCode> SignInAsync(JkBoatsApp app, string email, string password, string? forwardedFor)
    {
        using var http = StaffSession.NewClient(app);
        if (forwardedFor is not null)
        {
            http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }
        var response = await new StaffSession(http).SubmitAsync("/staff/signin", StaffSession.SignInForm, new() { ["email"] = email, ["password"] = password });
        return response.StatusCode;
    }
}
