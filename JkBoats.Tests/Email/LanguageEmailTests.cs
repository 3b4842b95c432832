using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Operator;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static JkBoats.Tests.Email.EmailParts;

namespace JkBoats.Tests.Email;

/// <summary>Every kind of email a customer gets, from an operator running euros and Athens time, for twin bookings made in English,
/// Greek and French: the Greek and French ones are in their language (subject, text and HTML parts, calendar file), with days, times
/// and money written the way that language writes them, and none of their sentences is one of the English twin's.</summary>
public sealed class LanguageEmailTests(LanguageEmailTests.Scenario emails) : IClassFixture<LanguageEmailTests.Scenario>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public const string TimeZone = EmailTestBed.TimeZone;

    public static readonly Dictionary<string, string?> EuroOperator = new()
    {
        ["JkBoats:Locale:Currency"] = "EUR",
        ["JkBoats:Locale:Culture"] = "en-GB",
        ["Email:ReminderSweepInterval"] = "00:00:00.100",
    };

    /// <summary>The kinds of email and what each shows: a departure, the money, a calendar file.</summary>
    public static readonly string[] Kinds =
    [
        EmailKinds.BookingConfirmed, EmailKinds.BookingReminder, EmailKinds.BookingChanged, EmailKinds.DepartureChanged, EmailKinds.BookingMoved,
        Scenario.CancelledByCustomer, Scenario.CancelledByOperator, EmailKinds.WeatherChoice, EmailKinds.WaitlistOffer,
    ];

    /// <summary>How each language starts each subject, and its calendar file's words.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Subjects = new()
    {
        ["el"] = new()
        {
            [EmailKinds.BookingConfirmed] = "Η κράτηση επιβεβαιώθηκε: ", [EmailKinds.BookingReminder] = "Υπενθύμιση: ",
            [EmailKinds.BookingChanged] = "Η κράτηση άλλαξε: ", [EmailKinds.DepartureChanged] = "Η αναχώρηση άλλαξε: ",
            [EmailKinds.BookingMoved] = "Η κράτηση μεταφέρθηκε: ", [Scenario.CancelledByCustomer] = "Η κράτηση ακυρώθηκε: ",
            [Scenario.CancelledByOperator] = "Η κράτηση ακυρώθηκε: ", [EmailKinds.WeatherChoice] = "Η αναχώρηση ακυρώθηκε, επιλέξτε: ",
            [EmailKinds.WaitlistOffer] = "Θέσεις κρατημένες για εσάς: ",
            ["ics-summary"] = "Ταξίδι με σκάφος προς ", ["ics-description"] = "Κωδικός επιβεβαίωσης",
        },
        ["fr"] = new()
        {
            [EmailKinds.BookingConfirmed] = "Réservation confirmée : ", [EmailKinds.BookingReminder] = "Rappel : ",
            [EmailKinds.BookingChanged] = "Réservation modifiée : ", [EmailKinds.DepartureChanged] = "Départ modifié : ",
            [EmailKinds.BookingMoved] = "Réservation déplacée : ", [Scenario.CancelledByCustomer] = "Réservation annulée : ",
            [Scenario.CancelledByOperator] = "Réservation annulée : ", [EmailKinds.WeatherChoice] = "Départ annulé, merci de choisir : ",
            [EmailKinds.WaitlistOffer] = "Places réservées pour vous : ",
            ["ics-summary"] = "Sortie en bateau vers ", ["ics-description"] = "Code de confirmation",
        },
    };

    private static readonly Dictionary<string, CultureInfo> Cultures = new()
    {
        ["en"] = CultureInfo.GetCultureInfo("en-GB"), ["el"] = CultureInfo.GetCultureInfo("el-GR"), ["fr"] = CultureInfo.GetCultureInfo("fr-FR"),
    };

    public static DateTime Athens(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(TimeZone));

    /// <summary>"Πέμπτη 3 Δεκεμβρίου, 10:00": a departure in Athens time, in the language's own words.</summary>
    public static string DayAndTime(string language, DateTime utc) => Athens(utc).ToString("dddd d MMMM, HH:mm", Cultures[language]);

    /// <summary>"37,50 €": the operator's euros with the language's number punctuation.</summary>
    public static string Euros(string language, decimal amount) => amount.ToString("C", Cultures[language]);

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task Every_email_of_a_booking_is_in_the_language_it_was_made_in_with_its_days_times_and_euros(string language)
    {
        foreach (var kind in Kinds)
        {
            var message = emails.Message(language, kind);
            var what = $"{language} {kind}";
            Assert.True(message.Subject!.StartsWith(Subjects[language][kind], StringComparison.Ordinal), $"{what}: subject \"{message.Subject}\"");
            var html = await HtmlOf(message);
            Assert.Equal(language, html.DocumentElement.GetAttribute("lang"));
            var (departs, total) = emails.Shows(language, kind);
            foreach (var (part, text) in new[] { ("subject", message.Subject), ("text", message.TextBody!), ("HTML", html.Body!.TextContent) })
            {
                Assert.True(text.Contains(departs, StringComparison.Ordinal), $"{what}: the {part} part does not write the departure as \"{departs}\"");
                Assert.DoesNotContain("$", text);
                Assert.DoesNotContain("UTC", text);
            }
            if (total is { } amount)
            {
                Assert.Contains(Euros(language, amount), message.TextBody);
                Assert.Contains(Euros(language, amount), html.Body!.TextContent);
            }
            if (message.Attachments.Any())
            {
                var trip = CalendarEventOf(message);
                Assert.StartsWith(Subjects[language]["ics-summary"], trip.Summary);
                Assert.Contains(Subjects[language]["ics-description"], trip.Description);
            }
        }
        // The booking's own words: its state, a passenger without a name, and the seat count, in the text part as in the HTML.
        var confirmed = emails.Message(language, EmailKinds.BookingConfirmed);
        var (state, passenger3, seats, lap) = language == "el"
            ? ("Κατάσταση:    Επιβεβαιώθηκε", "Επιβάτης 3", "2 θέσεις", "(στην αγκαλιά)")
            : ("Statut :      Confirmée", "Passager 3", "2 places", "(sur les genoux)");
        Assert.Contains(state, LinesOf(confirmed));
        var details = (await HtmlOf(confirmed)).QuerySelector("#booking-details")!.TextContent;
        Assert.Contains(passenger3, details);
        Assert.Contains(lap, details);
        Assert.Contains(seats, details);
    }

    [Fact]
    public async Task An_english_booking_of_the_same_operator_gets_its_emails_in_english_with_euros()
    {
        foreach (var kind in Kinds)
        {
            var message = emails.Message("en", kind);
            Assert.Equal("en", (await HtmlOf(message)).DocumentElement.GetAttribute("lang"));
            Assert.Contains(emails.Shows("en", kind).Departs, message.TextBody);
        }
        Assert.StartsWith("Booking confirmed: ", emails.Message("en", EmailKinds.BookingConfirmed).Subject);
        Assert.Contains("Total:        €37.50", LinesOf(emails.Message("en", EmailKinds.BookingConfirmed)));
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task No_part_of_a_greek_or_french_email_repeats_a_sentence_of_the_same_email_in_english(string language)
    {
        var leftovers = new List<string>();
        foreach (var kind in Kinds)
        {
            var english = await SentencesAsync(emails.Message("en", kind));
            leftovers.AddRange((await SentencesAsync(emails.Message(language, kind))).Where(english.Contains).Select(s => $"{kind}: \"{s}\""));
        }
        Assert.Empty(leftovers);
    }

    /// <summary>Every line of the subject, the text part, the calendar file and every text of the HTML, less what is not the email's own
    /// words (the operator's details, destination, boat and fare names, people's names, codes, links, numbers); what is left with at
    /// least two words.</summary>
    private async Task<HashSet<string>> SentencesAsync(MimeMessage message)
    {
        var html = await HtmlOf(message);
        var pieces = new List<string> { message.Subject!, html.Title ?? "" };
        pieces.AddRange(LinesOf(message));
        pieces.AddRange(html.Body!.Descendants<IText>().Select(t => t.Data));
        pieces.AddRange(html.QuerySelectorAll("img[alt]").Select(img => img.GetAttribute("alt")!));
        if (message.Attachments.Any())
        {
            var trip = CalendarEventOf(message);
            pieces.Add(trip.Summary ?? "");
            pieces.AddRange((trip.Description ?? "").Split('\n'));
        }
        return pieces.Select(emails.OwnWords).Where(s => s.Split(' ').Count(w => w.Count(char.IsLetter) >= 2) >= 2).ToHashSet();
    }

    [Fact]
    public async Task A_booking_made_on_the_greek_site_gets_its_confirmation_in_greek()
    {
        var departure = await emails.Bed.Data.CreateDepartureAsync(price: 40m, departureTime: DateTime.UtcNow.Date.AddDays(9).AddHours(7));
        using var visitor = new SiteSession(emails.App.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/language/el"))).StatusCode);
        var address = $"site.el.{Guid.NewGuid():N}@example.com";
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = "Ελένη Παπά", ["email"] = address, ["phone"] = "+30 691 234 5678",
        });
        Assert.Equal(HttpStatusCode.SeeOther, (await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"))).Status);

        await Eventually.HoldsAsync(() => emails.Bed.Smtp.DeliveriesTo(address).Any(d => KindOf(d.Message) == EmailKinds.BookingConfirmed), Patience, "the confirmation");
        var message = emails.Bed.Smtp.DeliveriesTo(address).First(d => KindOf(d.Message) == EmailKinds.BookingConfirmed).Message;
        Assert.StartsWith("Η κράτηση επιβεβαιώθηκε: ", message.Subject);
        Assert.EndsWith(DayAndTime("el", departure.DepartureTime), message.Subject);
        Assert.Contains("Σύνολο:       " + Euros("el", 80m), LinesOf(message));
        Assert.Equal(Euros("el", 80m), (await HtmlOf(message)).QuerySelector("#booking-details")!.QuerySelectorAll("tr")
            .Single(row => row.QuerySelector("th")!.TextContent == "Σύνολο").QuerySelector("td")!.TextContent);
    }

    [Fact]
    public async Task Joining_the_waiting_list_in_french_gets_the_offer_in_french_and_the_booking_it_makes_keeps_french()
    {
        var departure = await emails.Bed.Data.CreateDepartureAsync(capacity: 2, departureTime: DateTime.UtcNow.Date.AddDays(10).AddHours(8));
        var inventory = emails.App.Services.GetRequiredService<SeatInventory>();
        var full = Assert.IsType<BookingOutcome.Confirmed>(await inventory.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 2,
            new CustomerDetails("Full Boat", $"full.{Guid.NewGuid():N}@example.com", "+14155550132")), BookingChannel.Web, null), CancellationToken.None)).Booking;
        using var visitor = new SiteSession(emails.App.BaseAddress);
        await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/language/fr"));
        var address = $"site.fr.{Guid.NewGuid():N}@example.com";
        var page = await visitor.GetAsync($"/departures/{departure.DepartureId}/waitlist");
        var joined = await visitor.SubmitAsync(page.Form("form[method=post]"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "1", ["full_name"] = "Zoé Attente", ["email"] = address, ["phone"] = "+33 6 12 34 56 78",
        });
        Assert.Equal(HttpStatusCode.SeeOther, joined.Status);
        await using (var connection = await emails.Bed.Db.OpenConnectionAsync())
        {
            Assert.Equal("fr", await connection.ExecuteScalarAsync<string>("select language from waitlist_entries where email = @address", new { address }));
        }

        Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(full.BookingId, "plans changed", "customer", null, CancellationToken.None)).Result);
        await Eventually.HoldsAsync(() => emails.Bed.Smtp.DeliveriesTo(address).Any(d => KindOf(d.Message) == EmailKinds.WaitlistOffer), Patience, "the offer");
        var offer = emails.Bed.Smtp.DeliveriesTo(address).First(d => KindOf(d.Message) == EmailKinds.WaitlistOffer).Message;
        Assert.StartsWith("Places réservées pour vous : ", offer.Subject);
        Assert.Contains("Départ :      " + DayAndTime("fr", departure.DepartureTime), LinesOf(offer));

        await using var db = await emails.Bed.Db.OpenConnectionAsync();
        var entryId = await db.ExecuteScalarAsync<Guid>("select id from waitlist_entries where email = @address", new { address });
        var claimed = await inventory.ClaimOfferAsync(entryId, CancellationToken.None);
        Assert.Equal(OfferClaimResult.Booked, claimed.Result);
        Assert.Equal("fr", await db.ExecuteScalarAsync<string>("select language from bookings where id = @id", new { id = claimed.BookingId }));
        await Eventually.HoldsAsync(() => emails.Bed.Smtp.DeliveriesTo(address).Any(d => KindOf(d.Message) == EmailKinds.BookingConfirmed), Patience, "the confirmation");
        Assert.StartsWith("Réservation confirmée : ", emails.Bed.Smtp.DeliveriesTo(address).First(d => KindOf(d.Message) == EmailKinds.BookingConfirmed).Message.Subject);
    }

    [Fact]
    public async Task A_greek_operators_desk_and_api_bookings_get_their_emails_in_greek()
    {
        await using var bed = await EmailTestBed.CreateAsync();
        var app = bed.StartApp(new Dictionary<string, string?> { ["JkBoats:Locale:Currency"] = "EUR", ["JkBoats:Locale:Culture"] = "el-GR" });
        var departure = await bed.Data.CreateDepartureAsync(price: 30m, departureTime: DateTime.UtcNow.Date.AddDays(6).AddHours(6));
        var address = $"api.el.{Guid.NewGuid():N}@example.com";
        var booked = await BookingApi.PostAsync(app.CreateHttpClient(), BookingApi.Body(departure.DepartureId, 1, new { email = address, full_name = "Nikos Api", phone = "+306912345678" }));
        Assert.Equal(201, booked.Status);
        await using var connection = await bed.Db.OpenConnectionAsync();
        Assert.Equal("el", await connection.ExecuteScalarAsync<string>("select language from bookings where id = @id", new { id = booked.Body.GetProperty("booking_id").GetGuid() }));
        await Eventually.HoldsAsync(() => bed.Smtp.DeliveriesTo(address).Count == 1, Patience, "the confirmation");
        var message = bed.Smtp.DeliveriesTo(address)[0].Message;
        Assert.StartsWith("Η κράτηση επιβεβαιώθηκε: ", message.Subject);
        Assert.Contains("Σύνολο:       " + Euros("el", 30m), LinesOf(message));
    }

    /// <summary>Twin bookings in en, el and fr (the same party, names and trips) through every kind of email, read from the SMTP server.</summary>
    public sealed class Scenario : IAsyncLifetime
    {
        public const string CancelledByCustomer = "booking_cancelled_by_customer";
        public const string CancelledByOperator = "booking_cancelled_by_operator";

        private static readonly string[] Languages = ["en", "el", "fr"];

        private readonly Dictionary<(string Language, string Kind), MimeMessage> _messages = [];

        private readonly Dictionary<(string Language, string Kind), (string Departs, decimal? Total)> _shows = [];

        private readonly List<string> _content = [];

        public EmailTestBed Bed { get; private set; } = null!;

        public JkBoatsApp App { get; private set; } = null!;

        public MimeMessage Message(string language, string kind) =>
            _messages.TryGetValue((language, kind), out var message) ? message : throw new Xunit.Sdk.XunitException($"No {kind} email in {language}");

        /// <summary>The departure the email is about (as the language writes it) and the total it shows, if any.</summary>
        public (string Departs, decimal? Total) Shows(string language, string kind) => _shows[(language, kind)];

        public async Task InitializeAsync()
        {
            Bed = await EmailTestBed.CreateAsync();
            App = Bed.StartApp(EuroOperator);
            var inventory = App.Services.GetRequiredService<SeatInventory>();
            var ct = CancellationToken.None;
            var soon = await Bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddHours(5), fares: TestData.FamilyFares);
            var later = await Bed.Data.AddDepartureAsync(soon, DateTime.UtcNow.AddHours(8));
            var storm = await Bed.Data.CreateDepartureAsync(departureTime: DateTime.UtcNow.AddDays(2));
            var instead = await Bed.Data.AddDepartureAsync(storm, DateTime.UtcNow.AddDays(3));
            var waited = await Bed.Data.CreateDepartureAsync(capacity: 3, departureTime: DateTime.UtcNow.AddDays(4));
            var company = await App.Services.GetRequiredService<OperatorRepository>().CurrentAsync(ct);
            _content.AddRange([company.Name, company.PierAddress, company.Phone, company.Email, company.OpeningHours, company.CancellationPolicy,
                company.MapUrl ?? "", "Ana Lang", "Rui Lang", "Rui Renamed", "Adult × 1", "Adult", "Child", "Infant", "Storm warning", "Strong wind",
                soon.Destination, soon.BoatName, storm.Destination, storm.BoatName, waited.Destination, waited.BoatName,
                JkBoats.Web.Infrastructure.PhoneDisplay.Readable(company.Phone)]);

            var full = Assert.IsType<BookingOutcome.Confirmed>(await inventory.BookAsync(new BookingCommand(new ValidBooking(waited.DepartureId, 3,
                new CustomerDetails("Full Boat", $"full.{Guid.NewGuid():N}@example.com", "+14155550132")), BookingChannel.Web, null), ct)).Booking;
            var trips = new Dictionary<string, Trip>();
            foreach (var language in Languages)
            {
                var (address, stormAddress, waiter) = ($"{language}.{Guid.NewGuid():N}@example.com", $"storm.{language}.{Guid.NewGuid():N}@example.com",
                    $"wait.{language}.{Guid.NewGuid():N}@example.com");
                var main = Assert.IsType<BookingOutcome.Confirmed>(await inventory.BookAsync(new BookingCommand(new ValidBooking(soon.DepartureId, 2,
                    new CustomerDetails("Ana Lang", address, "+14155550132"),
                    [new ValidPassenger("adult", "Ana Lang", null, null, null), new ValidPassenger("child", "Rui Lang", null, null, null),
                     new ValidPassenger("infant", null, null, null, null)]), BookingChannel.Web, null) { Language = language }, ct)).Booking;
                var stormed = Assert.IsType<BookingOutcome.Confirmed>(await inventory.BookAsync(new BookingCommand(new ValidBooking(storm.DepartureId, 1,
                    new CustomerDetails("Ana Lang", stormAddress, "+14155550132")), BookingChannel.Web, null) { Language = language }, ct)).Booking;
                Assert.Equal(WaitlistJoinResult.Joined, (await inventory.JoinWaitlistAsync(new WaitlistJoin(waited.DepartureId,
                    new CustomerDetails("Ana Lang", waiter, "+14155550133"), new Dictionary<string, int> { ["adult"] = 1 }) { Language = language }, ct)).Result);
                trips[language] = new Trip(address, main.BookingId, stormed.BookingId, stormAddress, waiter);
            }
            await ArrivedAsync(trips.Values.Select(t => t.Address), EmailKinds.BookingConfirmed);
            await ArrivedAsync(trips.Values.Select(t => t.Address), EmailKinds.BookingReminder);
            Collect(trips, t => t.Address, EmailKinds.BookingConfirmed, EmailKinds.BookingConfirmed, soon.DepartureTime, 37.50m);
            Collect(trips, t => t.Address, EmailKinds.BookingReminder, EmailKinds.BookingReminder, soon.DepartureTime, 37.50m);

            foreach (var trip in trips.Values)
            {
                Assert.Equal(ChangeResult.Done, (await inventory.CorrectNamesAsync(trip.Main, new Dictionary<int, string?> { [2] = "Rui Renamed" }, "customer", null, ct)).Result);
            }
            await ArrivedAsync(trips.Values.Select(t => t.Address), EmailKinds.BookingChanged);
            Collect(trips, t => t.Address, EmailKinds.BookingChanged, EmailKinds.BookingChanged, soon.DepartureTime, 37.50m);

            var moved = soon.DepartureTime.AddMinutes(30);
            Assert.Equal(ScheduleResult.Done, (await inventory.EditDepartureAsync(soon.DepartureId,
                new DepartureEdit(moved, soon.PricePerSeat, soon.BoatId, soon.Destination), ct)).Result);
            await ArrivedAsync(trips.Values.Select(t => t.Address), EmailKinds.DepartureChanged);
            Collect(trips, t => t.Address, EmailKinds.DepartureChanged, EmailKinds.DepartureChanged, moved, 37.50m);

            foreach (var trip in trips.Values)
            {
                Assert.Equal(ChangeResult.Done, (await inventory.MoveBookingAsync(trip.Main, later.DepartureId, "desk@jkboats.example", ct)).Result);
            }
            await ArrivedAsync(trips.Values.Select(t => t.Address), EmailKinds.BookingMoved);
            Collect(trips, t => t.Address, EmailKinds.BookingMoved, EmailKinds.BookingMoved, later.DepartureTime, 37.50m);

            foreach (var trip in trips.Values)
            {
                Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(trip.Main, "Cancelled by the customer online", BookingCancellation.Customer, null, ct)).Result);
            }
            await ArrivedAsync(trips.Values.Select(t => t.Address), EmailKinds.BookingCancelled);
            Collect(trips, t => t.Address, EmailKinds.BookingCancelled, CancelledByCustomer, later.DepartureTime, null);

            Assert.Equal(WeatherPlanResult.Done, (await inventory.StartWeatherChoiceAsync(new WeatherPlanRequest(
                storm.DepartureId, "Strong wind", [instead.DepartureId], DateTime.UtcNow.AddHours(20), WeatherDefault.Move, "admin"), ct)).Result);
            var stormAddresses = trips.ToDictionary(t => t.Key, t => t.Value.StormAddress);
            await ArrivedAsync(stormAddresses.Values, EmailKinds.WeatherChoice);
            foreach (var (language, address) in stormAddresses)
            {
                Keep(language, EmailKinds.WeatherChoice, First(address, EmailKinds.WeatherChoice), storm.DepartureTime, null);
            }
            foreach (var trip in trips.Values)
            {
                Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(trip.Storm, "Storm warning", "desk@jkboats.example", null, ct)).Result);
            }
            await ArrivedAsync(stormAddresses.Values, EmailKinds.BookingCancelled);
            foreach (var (language, address) in stormAddresses)
            {
                Keep(language, CancelledByOperator, First(address, EmailKinds.BookingCancelled), storm.DepartureTime, null);
            }

            Assert.Equal(ChangeResult.Done, (await inventory.CancelBookingAsync(full.BookingId, "plans changed", "customer", null, ct)).Result);
            await ArrivedAsync(trips.Values.Select(t => t.Waiter), EmailKinds.WaitlistOffer);
            Collect(trips, t => t.Waiter, EmailKinds.WaitlistOffer, EmailKinds.WaitlistOffer, waited.DepartureTime, null);
        }

        private void Collect(Dictionary<string, Trip> trips,
            Func<Trip, string> address, string kind, string key, DateTime departsUtc, decimal? total)
        {
            foreach (var (language, trip) in trips)
            {
                Keep(language, key, First(address(trip), kind), departsUtc, total);
            }
        }

        private void Keep(string language, string key, MimeMessage message, DateTime departsUtc, decimal? total)
        {
            _messages[(language, key)] = message;
            _shows[(language, key)] = (DayAndTime(language, departsUtc), total);
            _content.Add(message.Headers["X-JkBoats-Booking"] ?? "");
        }

        private MimeMessage First(string address, string kind) => Bed.Smtp.DeliveriesTo(address).First(d => KindOf(d.Message) == kind).Message;

        private async Task ArrivedAsync(IEnumerable<string> addresses, string kind)
        {
            var all = addresses.ToList();
            await Eventually.HoldsAsync(() => all.All(a => Bed.Smtp.DeliveriesTo(a).Any(d => KindOf(d.Message) == kind)), Patience, $"{kind} emails");
        }

        /// <summary>A piece of an email less what is not its own words, in one spacing.</summary>
        public string OwnWords(string piece)
        {
            foreach (var content in _content.Where(c => c.Length > 0).OrderByDescending(c => c.Length))
            {
                piece = piece.Replace(content, " ", StringComparison.Ordinal);
            }
            piece = Regex.Replace(piece, @"https?://\S+|\S+@\S+|cid:\S+|[\d€$.,:;·×→()\-–—]", " ");
            return Regex.Replace(piece, @"\s+", " ").Trim();
        }

        public async Task DisposeAsync() => await Bed.DisposeAsync();

        private sealed record Trip(string Address, Guid Main, Guid Storm, string StormAddress, string Waiter);
    }
}
