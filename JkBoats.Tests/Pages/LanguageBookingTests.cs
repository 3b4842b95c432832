using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Dom;
using JkBoats.Data.Bookings;
using JkBoats.Data.Fares;
using JkBoats.Data.Operator;
using JkBoats.Tests.Api;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Pages.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>The booking path in Greek and French: the listing, a departure, the booking form with its htmx fragments, its refusals
/// (the validator's messages, seats left, sold out) and the review all speak the visitor's language, while the API answers the
/// same bad input in English, word for word.</summary>
[Collection(SiteCollection.Name)]
public sealed partial class LanguageBookingTests(AppFixture site) : IDisposable
{
    private readonly List<SiteSession> _sessions = [];

    private async Task<SiteSession> VisitorAsync(string language)
    {
        var visitor = site.NewSession();
        _sessions.Add(visitor);
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"/language/{language}"))).StatusCode);
        return visitor;
    }

    private static CultureInfo CultureOf(string language) => CultureInfo.GetCultureInfo(language == "el" ? "el-GR" : "fr-FR");

    /// <summary>Money as the page writes it: the language's number format with the test app's currency (USD).</summary>
    private static string Money(string language, decimal amount) => amount.ToString("C", LocaleFormat.Money(CultureOf(language), "USD"));

    private static string Day(string language, DateTime day) => day.ToString(Display.DayFormat, CultureOf(language));

    private static string TwelveLeft(string language) => language == "el" ? "12 θέσεις ελεύθερες" : "12 places restantes";

    /// <summary>A day of its own far ahead, so no other test's departure shares the listing.</summary>
    private static DateTime FreeDay() => DateTime.UtcNow.Date.AddDays(60 + Random.Shared.Next(0, 200));

    private static Dictionary<string, string> Details(int adults, string phone = "(415) 555-0132") => new()
    {
        ["fares[adult]"] = adults.ToString(CultureInfo.InvariantCulture),
        ["full_name"] = "Ελένη Παπαδοπούλου",
        ["email"] = $"eleni-{Guid.NewGuid():N}@example.com",
        ["phone"] = phone,
    };

    /// <summary>Latin words left in a Greek page's region (its text and its aria-label, title, placeholder and alt), the data
    /// shown on it (destination, boat, fare names, the customer's own input) taken out: an English text left untranslated.</summary>
    private static List<string> EnglishIn(IElement region, params string?[] data)
    {
        var texts = new List<string>();
        foreach (var node in region.Descendants())
        {
            if (node is IText text && text.ParentElement is { } parent && parent.Closest("select#destination, script, style, svg") is null)
            {
                texts.Add(text.Data);
            }
            if (node is IElement element)
            {
                texts.AddRange(new[] { "aria-label", "title", "placeholder", "alt" }.Select(element.GetAttribute).OfType<string>());
            }
        }
        var known = data.OfType<string>()
            .Concat(["Adult", "Child", "Senior", "Infant", "Ages 13 and over", "Ages 4 to 12", "Ages 65 and over", "Under 4, on a lap, no seat", "Email", "email"])
            .OrderByDescending(d => d.Length).ToList();
        return texts.Select(t => known.Aggregate(t, (left, d) => left.Replace(d, " ", StringComparison.Ordinal)))
            .SelectMany(t => LatinWord().Matches(t).Select(m => m.Value)).Distinct().ToList();
    }

    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex LatinWord();

    [Theory]
    [InlineData("el", "Βρείτε ένα ταξίδι με σκάφος", "1 αναχώρηση για {0}", "ανά θέση", "Επιλογή", "Σήμερα")]
    [InlineData("fr", "Trouver une sortie en bateau", "1 départ pour {0}", "par place", "Choisir", "Aujourd’hui")]
    public async Task The_listing_and_its_htmx_fragment_speak_the_visitors_language(string language, string heading, string count, string perSeat,
        string select, string today)
    {
        var day = FreeDay().AddHours(10);
        var departure = await site.Data.CreateDepartureAsync(capacity: 12, price: 25m, departureTime: day, hasAc: false);
        var visitor = await VisitorAsync(language);
        var path = $"/?destination={Uri.EscapeDataString(departure.Destination)}&date={day:yyyy-MM-dd}";

        foreach (var htmx in new[] { false, true })
        {
            var page = await visitor.GetAsync(path, htmx);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            if (!htmx)
            {
                Assert.Equal(language, page.Document.DocumentElement.GetAttribute("lang"));
                Assert.Equal(heading, page.Text("h1"));
                Assert.StartsWith(heading, page.Document.Title);
            }
            Assert.Equal(Day(language, day), page.Text("#results-heading"));
            Assert.Equal(string.Format(CultureInfo.InvariantCulture, count, departure.Destination), page.Text("#departure-list [role=status]"));
            var card = page.Get($"[data-departure-id='{departure.DepartureId}']");
            Assert.Equal(Money(language, 25m), card.QuerySelector("[data-price]")!.TextContent);
            Assert.Equal(perSeat, card.QuerySelector("[data-price] + span")!.TextContent);
            Assert.StartsWith(select, card.QuerySelector("a.btn")!.TextContent.Trim());
            Assert.Equal(today, page.Get("nav.mb-5 a").TextContent.Trim());
            if (language == "el")
            {
                Assert.Empty(EnglishIn(page.Get("#departure-list"), departure.Destination, departure.BoatName));
            }
        }

        // The live seat counts swapped in by the poll.
        var seats = await visitor.GetAsync($"/departures/seats?ids={departure.DepartureId}", htmx: true);
        Assert.Equal(TwelveLeft(language), seats.Text($"#seats-{departure.DepartureId} [data-seats]"));
    }

    [Theory]
    [InlineData("el", "Δεν υπάρχουν αναχωρήσεις για {0} αυτή την ημερομηνία.", "Η επόμενη ημερομηνία με ελεύθερες θέσεις είναι {1}.", "Δείτε την ", "Διαλέξτε μια ημερομηνία από το ημερολόγιο.")]
    [InlineData("fr", "Aucun départ pour {0} à cette date.", "La prochaine date avec des places est le {1}.", "Voir le ", "Choisissez une date dans le calendrier.")]
    public async Task An_empty_day_points_to_the_next_one_and_a_bad_date_is_refused_in_the_visitors_language(string language, string none, string next,
        string show, string badDate)
    {
        var day = FreeDay().AddHours(9);
        var departure = await site.Data.CreateDepartureAsync(departureTime: day);
        var visitor = await VisitorAsync(language);

        var empty = await visitor.GetAsync($"/?destination={Uri.EscapeDataString(departure.Destination)}&date={day.AddDays(-1):yyyy-MM-dd}", htmx: true);
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, none, departure.Destination), empty.Text("#empty-state p"));
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, next, departure.Destination, Day(language, day)), empty.Text("#empty-state p + p"));
        Assert.Equal(show + Day(language, day), empty.Text("#next-date"));

        var refused = await visitor.GetAsync("/?date=31-12-2026");
        Assert.Equal(badDate, refused.Text("#date-error"));
    }

    [Theory]
    [InlineData("el", "Αναχώρηση", "Σκάφος", "Ανοιχτό κατάστρωμα, χωρίς κλιματισμό", "12 θέσεις", "Κράτηση θέσεων", "Παρακαλούμε να βρίσκεστε στην προβλήτα")]
    [InlineData("fr", "Départ", "Bateau", "Pont ouvert, sans climatisation", "12 places", "Réserver des places", "Merci d’être au quai")]
    public async Task A_departure_page_and_its_seats_fragment_speak_the_visitors_language(string language, string kicker, string boat, string openDeck,
        string size, string book, string pier)
    {
        var day = FreeDay().AddHours(14);
        var departure = await site.Data.CreateDepartureAsync(capacity: 12, departureTime: day, hasAc: false);
        var visitor = await VisitorAsync(language);

        var page = await visitor.GetAsync($"/departures/{departure.DepartureId}");
        Assert.Equal(kicker, page.Text("article p"));
        Assert.Equal(departure.Destination, page.Text("h1"));
        Assert.Equal(Day(language, day) + ", 14:00", page.Text("article time"));
        Assert.Equal(boat, page.Text("article dt"));
        Assert.Equal([departure.BoatName, Money(language, 25m), openDeck, size], page.All("article dd").Select(d => d.TextContent));
        Assert.Equal(book, page.Text("#book-seats"));
        Assert.StartsWith(pier, page.Text("main > p:last-child"));
        Assert.Contains(departure.Destination, page.Find("meta[name=description]")!.GetAttribute("content"));
        if (language == "el")
        {
            var pierAddress = (await site.App.Services.GetRequiredService<OperatorRepository>().CurrentAsync()).PierAddress;
            Assert.Empty(EnglishIn(page.Get("main"), departure.Destination, departure.BoatName, pierAddress));
        }

        var fragment = await visitor.GetAsync($"/departures/{departure.DepartureId}?handler=Seats", htmx: true);
        Assert.Equal(book, fragment.Text("#book-seats"));
        Assert.Equal(TwelveLeft(language), fragment.Text("#departure-seats [data-seats]"));

        await site.TakeSeatsAsync(departure.DepartureId, 12);
        var full = await visitor.GetAsync($"/departures/{departure.DepartureId}?handler=Seats", htmx: true);
        Assert.StartsWith(language == "el" ? "Αυτό το ταξίδι είναι πλήρες." : "Cette sortie est complète.", full.Text("#departure-seats p + p"));
    }

    [Fact]
    public async Task The_booking_form_its_steppers_and_the_passenger_rows_speak_greek()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 10, departureTime: FreeDay().AddHours(11), fares: TestData.FamilyFares);
        var visitor = await VisitorAsync("el");

        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        Assert.Equal("Τα στοιχεία σας", form.Text("#step-heading"));
        Assert.Equal("Κράτηση θέσεων · JK Boats", form.Document.Title);
        Assert.Equal(["Στοιχεία", "Έλεγχος", "Επιβεβαίωση"], form.All("ol[aria-label='Βήματα κράτησης'] li > span:nth-child(2)").Select(s => s.TextContent));
        Assert.Equal("1. Εισιτήρια", form.Text("legend"));
        Assert.Equal("Ένα εισιτήριο «Παιδί» περισσότερο", form.Get("[data-fare=child] button[value='child:1']").GetAttribute("aria-label"));
        Assert.Equal("Κινητό τηλέφωνο", form.Text("label[for=phone]"));
        Assert.Empty(EnglishIn(form.Get("main"), departure.Destination, departure.BoatName));

        // The + of the infant fare answers a fragment with the passenger rows.
        var more = await visitor.SubmitAsync(form.Form("#booking-step form"), htmx: true, submitter: "button[value='infant:1']");
        Assert.Null(more.Find("html[lang]"));
        Assert.Equal("2. Επιβάτες", more.Text("#passenger-names legend"));
        Assert.Equal("Επιβάτης 1 · Ενήλικας (υπεύθυνος κράτησης)", more.Text("label[for=passenger-name-0]"));
        Assert.Equal("Αυτός που κάνει την κράτηση", more.Get("#passenger-name-0").GetAttribute("placeholder"));
        Assert.Equal(["Καμία", "Αναπηρικό αμαξίδιο", "Μειωμένη κινητικότητα", "Άλλες ανάγκες"], more.All("#passenger-needs-1 option").Select(o => o.TextContent));
        Assert.Equal("Στην αγκαλιά, χωρίς θέση · Κάτω των 4 ετών · Δωρεάν", more.Text("[data-fare=infant] p"));
        Assert.Empty(EnglishIn(more.Get("#booking-step"), departure.Destination, departure.BoatName));
    }

    [Theory]
    [InlineData("el", "Διορθώστε τα εξής 5:", "Προσθέστε τουλάχιστον έναν επιβάτη.", "Γράψτε το ονοματεπώνυμό σας.", "Γράψτε μια διεύθυνση email όπως name@example.com.",
        "Γράψτε έναν έγκυρο αριθμό τηλεφώνου", "Γράψτε το έτος γέννησης με τέσσερα ψηφία, π.χ. 2019, ή αφήστε το κενό.")]
    [InlineData("fr", "Veuillez corriger ces 5 points :", "Ajoutez au moins un passager.", "Indiquez vos nom et prénom.", "Indiquez une adresse e-mail comme name@example.com.",
        "Indiquez un numéro de téléphone valide", "Indiquez l’année de naissance en quatre chiffres, par ex. 2019, ou laissez vide.")]
    public async Task Refused_details_are_explained_in_the_visitors_language(string language, string summary, string noPassenger, string name, string email,
        string phone, string year)
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 10, departureTime: FreeDay().AddHours(11), fares: TestData.FamilyFares);
        var visitor = await VisitorAsync(language);
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        // Only an infant: no one takes a seat. A birth year of two digits and a blank name, a bad email and a bad phone.
        var page = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "0", ["fares[infant]"] = "1", ["passenger_years"] = "19", ["full_name"] = " ", ["email"] = "nobody@", ["phone"] = "12",
        }, htmx: true, pastBrowserChecks: true);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(summary, page.Text("#error-summary p"));
        Assert.Equal(language == "el"
            ? "Τουλάχιστον ένας επιβάτης πρέπει να έχει θέση: ένα βρέφος ταξιδεύει στην αγκαλιά κάποιου που έχει θέση."
            : "Au moins un passager doit avoir une place : un bébé voyage sur les genoux d’une personne assise.", page.Text("#fares-error"));
        Assert.Equal(name, page.Text("#full_name-error"));
        Assert.Equal(email, page.Text("#email-error"));
        Assert.StartsWith(phone, page.Text("#phone-error"));
        Assert.Equal(year, page.Text("#passenger-year-0-error"));

        var none = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>(Details(0)), htmx: true, pastBrowserChecks: true);
        Assert.Equal(noPassenger, none.Text("#fares-error"));

        // A birth year the validator refuses, and a passenger name with a control character.
        var born = await visitor.SubmitAsync(form.Form("#booking-step form"), new Dictionary<string, string>(Details(2))
        {
            ["passenger_names"] = "Ελένη", ["passenger_years"] = "1850",
        }, htmx: true, pastBrowserChecks: true);
        Assert.Equal(language == "el" ? $"Το έτος γέννησης πρέπει να είναι από 1900 έως {DateTime.UtcNow.Year}." : $"L’année de naissance doit être comprise entre 1900 et {DateTime.UtcNow.Year}.",
            born.Text("#passenger-year-0-error"));
        if (language == "el")
        {
            Assert.Empty(EnglishIn(page.Get("#booking-step"), departure.Destination, departure.BoatName, "name@example.com", "nobody@", "Ελένη"));
        }
        Assert.Equal(0, (await site.Data.SeatStateAsync(departure.DepartureId)).ConfirmedBookings);
    }

    [Theory]
    [InlineData("el", "Έμειναν μόνο 3 θέσεις.")]
    [InlineData("fr", "Il ne reste que 3 places.")]
    public async Task Too_many_tickets_are_refused_with_the_seats_left_in_the_visitors_language(string language, string left)
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 3, departureTime: FreeDay().AddHours(11));
        var visitor = await VisitorAsync(language);
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var page = await visitor.SubmitAsync(form.Form("#booking-step form"), Details(5), pastBrowserChecks: true);

        Assert.Equal(left, page.Text("#fares-error"));
        Assert.Equal(left, page.Text("#error-summary li"));
    }

    [Theory]
    [InlineData("el", "Έλεγχος και επιβεβαίωση", new[] { "Θέσεις", "Άτομα στο σκάφος", "Όνομα", "Email", "Τηλέφωνο" }, "2 θέσεις", "Επιβεβαίωση κράτησης", "Αλλαγή στοιχείων")]
    [InlineData("fr", "Vérifier et confirmer", new[] { "Places", "Personnes à bord", "Nom", "E-mail", "Téléphone" }, "2 places", "Confirmer la réservation", "Modifier")]
    public async Task The_review_speaks_the_visitors_language_and_books(string language, string heading, string[] labels, string seats, string confirm, string edit)
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 10, departureTime: FreeDay().AddHours(11), fares: TestData.FamilyFares);
        var visitor = await VisitorAsync(language);
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");

        var details = new Dictionary<string, string>(Details(2)) { ["fares[infant]"] = "1", ["passenger_years"] = "2025" };
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), details, htmx: true);

        Assert.Equal(heading, review.Text("#step-heading"));
        Assert.Equal(labels, review.All("#review-summary dt").Select(d => d.TextContent));
        Assert.Equal(seats, review.Text("[data-review=seats]"));
        Assert.Equal(Money(language, 50m), review.Text("[data-review=total]"));
        Assert.Equal(language == "el" ? "Βρέφος (στην αγκαλιά)" : "Bébé (sur les genoux)", review.Text("[data-review-passenger='2'] td + td"));
        Assert.Equal(language == "el" ? "Δωρεάν" : "Gratuit", review.Text("[data-review-passenger='2'] td:last-child"));
        Assert.Equal(language == "el" ? "Επιβάτης 2" : "Passager 2", review.Text("[data-review-passenger='1'] td"));
        Assert.Equal(confirm, review.Text("#confirm-booking"));
        Assert.Equal(edit, review.Text("form[action$='handler=Edit'] button"));
        if (language == "el")
        {
            Assert.Contains("έτος γέννησης 2025", review.Text("[data-review-passenger='0'] td"));
            Assert.Empty(EnglishIn(review.Get("#booking-step"), departure.Destination, departure.BoatName, details["full_name"], details["email"]));
        }

        var booked = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"));
        Assert.Equal(HttpStatusCode.SeeOther, booked.Status);
    }

    [Theory]
    [InlineData("el", "Κάποιος έκλεισε θέσεις πριν από λίγο: Έμειναν μόνο 2 θέσεις. Αλλάξτε τον αριθμό θέσεων και συνεχίστε· τα στοιχεία σας κρατήθηκαν.",
        "Λυπούμαστε, οι θέσεις αυτής της αναχώρησης εξαντλήθηκαν όσο κάνατε την κράτηση. Η κράτησή σας δεν έγινε.", "Δεν γίνονται κρατήσεις για αυτό το ταξίδι")]
    [InlineData("fr", "Quelqu’un vient de réserver des places : Il ne reste que 2 places. Modifiez le nombre de places et continuez ; vos coordonnées sont conservées.",
        "Désolés, ce départ est devenu complet pendant votre réservation. Votre réservation n’a pas été faite.", "Cette sortie ne peut pas être réservée")]
    public async Task Seats_sold_while_reviewing_are_explained_in_the_visitors_language(string language, string fewer, string soldOut, string closed)
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 5, departureTime: FreeDay().AddHours(11));
        var visitor = await VisitorAsync(language);
        var form = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        var review = await visitor.SubmitAsync(form.Form("#booking-step form"), Details(4));

        await site.TakeSeatsAsync(departure.DepartureId, 3);
        var page = await visitor.SubmitAsync(review.Form("form[action$='handler=Confirm']"), htmx: true);
        Assert.Equal(fewer, page.Text("#booking-notice"));

        var again = await visitor.SubmitAsync(page.Form("#booking-step form"), new Dictionary<string, string> { ["fares[adult]"] = "2" });
        await site.TakeSeatsAsync(departure.DepartureId, 2);
        var gone = await visitor.SubmitAsync(again.Form("form[action$='handler=Confirm']"), htmx: true);
        Assert.Equal(closed, gone.Text("#step-heading"));
        Assert.Equal(soldOut, gone.Text("#booking-notice"));

        // Coming back to the form of a sold-out departure says so too.
        var full = await visitor.GetAsync($"/departures/{departure.DepartureId}/book");
        Assert.Equal(language == "el" ? "Αυτή η αναχώρηση είναι πλήρης." : "Ce départ est complet.", full.Text("#booking-notice"));
        Assert.Equal(language == "el" ? "Μπείτε στη λίστα αναμονής" : "S’inscrire sur la liste d’attente", full.Text("#join-waitlist"));
    }

    [Fact]
    public async Task The_api_answers_the_same_bad_input_in_english_whatever_the_language()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 3, departureTime: FreeDay().AddHours(11));
        var visitor = await VisitorAsync("el");
        async Task<(int Status, JsonElement Body)> PostAsync(object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent(body) };
            request.Headers.TryAddWithoutValidation("Accept-Language", "el-GR,el;q=0.9");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await visitor.SendRawAsync(request);
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (status, body) = await PostAsync(new
        {
            departure_id = departure.DepartureId,
            customer = new { full_name = " ", email = "nobody@", phone = "12" },
            passengers = new object[] { new { fare = "infant", birth_year = 1850 } },
        });
        Assert.Equal(400, status);
        var errors = body.GetProperty("errors");
        Assert.Equal("Enter your full name.", errors.GetProperty(BookingValidator.FullNameField)[0].GetString());
        Assert.Equal("Enter an email address like name@example.com.", errors.GetProperty(BookingValidator.EmailField)[0].GetString());
        Assert.Equal("Enter a valid phone number, with the country code if it is not a local number (e.g. +1 415 555 0132).",
            errors.GetProperty(BookingValidator.PhoneField)[0].GetString());
        Assert.Equal($"Birth year must be between 1900 and {DateTime.UtcNow.Year}.", errors.GetProperty("passengers[0].birth_year")[0].GetString());
        Assert.Equal("At least one passenger must take a seat: an infant travels on the lap of someone with a seat.",
            errors.GetProperty(BookingValidator.PassengersField)[0].GetString());
        Assert.Equal("One or more fields are invalid.", body.GetProperty("detail").GetString());

        var (_, names) = await PostAsync(new
        {
            departure_id = departure.DepartureId,
            customer = new { full_name = "Ann Lead", email = "ann@example.com", phone = "+14155550132" },
            passengers = new object[] { new { fare = "adult", full_name = new string('a', 201) }, new { fare = "adult", full_name = "Bo\u200Bb" } },
        });
        Assert.Equal("Passenger name must be at most 200 characters.", names.GetProperty("errors").GetProperty("passengers[0].full_name")[0].GetString());
        Assert.Equal("Passenger name must not contain invisible, direction or control characters.",
            names.GetProperty("errors").GetProperty("passengers[1].full_name")[0].GetString());

        var (refused, capacity) = await PostAsync(BookingApi.Body(departure.DepartureId, 5));
        Assert.Equal((400, "insufficient_capacity", "Only 3 seats available, but 5 requested"),
            (refused, capacity.GetProperty("error").GetString(), capacity.GetProperty("message").GetString()));

        await site.Data.CancelDepartureAsync(departure.DepartureId);
        var (conflict, closed) = await PostAsync(BookingApi.Body(departure.DepartureId, 1));
        Assert.Equal((409, "This departure has been cancelled."), (conflict, closed.GetProperty("detail").GetString()));
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public void Every_message_of_the_booking_rules_and_every_needs_label_is_in_every_language()
    {
        var texts = typeof(BookingTexts).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)
            .Concat(PassengerNeeds.All.Select(PassengerNeeds.Label)).ToList();
        Assert.True(texts.Count > 25, "the validator's templates are found");
        var resources = Path.Combine(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../..")), "JkBoats.Web/Resources/Infrastructure");
        foreach (var code in new[] { "el", "fr" })
        {
            var translated = XDocument.Load(Path.Combine(resources, $"SiteText.{code}.resx")).Root!.Elements("data")
                .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);
            Assert.Empty(texts.Where(t => !translated.TryGetValue(t, out var text) || string.IsNullOrWhiteSpace(text) || text == t).Select(t => $"{code}: {t}"));
            // The placeholders of the translation are the template's.
            Assert.Empty(texts.Where(t => Placeholders(t) != Placeholders(translated[t])).Select(t => $"{code}: {t}"));
        }
    }

    private static string Placeholders(string text) => string.Join(",", Regex.Matches(text, "\\{\\d\\}").Select(m => m.Value).Distinct().Order());

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }
}
