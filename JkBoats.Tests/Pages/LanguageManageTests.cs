using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Dom;
using Dapper;
using JkBoats.Data.Bookings;
using JkBoats.Data.Email;
using JkBoats.Data.Inventory;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using JkBoats.Tests.Staff;
using JkBoats.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Pages;

/// <summary>The customer's pages after booking speak the visitor's language: the confirmation, the manage page and every answer
/// of its changes (refusals included), the open-by-code page, and the waiting list's join and entry pages. Besides the specific
/// Greek and French texts asserted, each page is searched for any English sentence of these pages' resources left in it. The
/// staff page of the same booking stays English.</summary>
[Collection(SiteCollection.Name)]
public sealed class LanguageManageTests(AppFixture site)
{
    private static readonly ValidPassenger[] Family =
    [
        new("adult", "Nora Lead", null, null, null), new("adult", "Omar Second", null, null, null),
        new("child", "Pia Child", 2018, null, null), new("infant", "Quin Baby", 2025, null, null),
    ];

    private SeatInventory Inventory => site.App.Services.GetRequiredService<SeatInventory>();

    private ManageLinks Links => site.App.Services.GetRequiredService<ManageLinks>();

    /// <summary>Per language, the texts each test expects (so one test body reads for both languages).</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Expected = new()
    {
        ["el"] = new()
        {
            ["booked"] = "Η κράτησή σας έγινε!", ["destination"] = "Προορισμός", ["calendar"] = "Προσθήκη στο ημερολόγιο", ["status"] = "Επιβεβαιώθηκε",
            ["next"] = "Τι ακολουθεί", ["contact"] = "Ερωτήσεις ή αλλαγές; Επικοινωνήστε με την JK Boats", ["title"] = "Κράτηση ",
            ["qr"] = "Κωδικός QR του κωδικού επιβεβαίωσης ", ["description"] = "Η επιβεβαίωση της κράτησής σας στη JK Boats",
            ["manage"] = "Η κράτησή σας", ["change"] = "Αλλαγή αυτής της κράτησης", ["move"] = "Μεταφορά σε άλλη αναχώρηση για ",
            ["untick"] = "Επιλέξτε τους επιβάτες που δεν θα ταξιδέψουν.", ["lead"] = "Ο υπεύθυνος της κράτησης μένει στην κράτηση",
            ["too-soon"] = "Αυτή η αναχώρηση δεν δέχεται πια αλλαγές online (φεύγει σε λιγότερο από 24 ώρες",
            ["elsewhere"] = "Online, μια κράτηση μεταφέρεται μόνο σε άλλη αναχώρηση για ",
            ["hidden"] = "Επιβάτης 2: ένα όνομα δεν πρέπει να περιέχει αόρατους χαρακτήρες", ["names"] = "Τα ονόματα των επιβατών διορθώθηκαν.",
            ["removed"] = "1 επιβάτης αφαιρέθηκε από την κράτηση", ["moved"] = "Η κράτησή σας μεταφέρθηκε στην ", ["more"] = "περισσότερα, πληρωτέα στην προβλήτα",
            ["cancelled"] = "Η κράτησή σας ακυρώθηκε και οι θέσεις της ελευθερώθηκαν.", ["by-you"] = "Ακυρώθηκε από εσάς online",
            ["again"] = "Αυτή η κράτηση είχε ήδη ακυρωθεί.", ["closed"] = "Οι αλλαγές και η ακύρωση online έκλεισαν 24 ώρες πριν από την αναχώρηση.",
            ["cancel-late"] = "Η ακύρωση online έκλεισε 24 ώρες πριν από την αναχώρηση.", ["change-late"] = "Οι αλλαγές online έκλεισαν 24 ώρες",
            ["weather"] = "Αυτή η αναχώρηση ακυρώθηκε: παρακαλούμε επιλέξτε", ["weather-status"] = "Η αναχώρηση ακυρώθηκε: περιμένουμε την επιλογή σας",
            ["weather-bad"] = "Επιλέξτε μία από τις αναχωρήσεις ή την ακύρωση. Δεν άλλαξε τίποτα.",
            ["weather-cancelled"] = "Η κράτησή σας ακυρώθηκε· δεν πληρώνετε τίποτα.", ["weather-page"] = "Αυτή η αναχώρηση ακυρώθηκε",
            ["weather-link"] = "Επιλέξτε τι θα γίνει με την κράτησή μου",
            ["open"] = "Ανοίξτε την κράτησή σας", ["open-code"] = "Γράψτε ολόκληρο τον κωδικό επιβεβαίωσης, π.χ. JKB-7QX4MZ.",
            ["open-contact"] = "Γράψτε το email ή το τηλέφωνο με το οποίο κάνατε την κράτηση.",
            ["open-mismatch"] = "Ο κωδικός και το στοιχείο επικοινωνίας δεν ταιριάζουν με αυτή την κράτηση.",
            ["join"] = "Εγγραφή στη λίστα αναμονής", ["correct"] = "Διορθώστε τα εξής:", ["name-error"] = "Γράψτε το ονοματεπώνυμό σας.",
            ["email-error"] = "Γράψτε μια διεύθυνση email όπως name@example.com.", ["party-error"] = "Προσθέστε τουλάχιστον έναν επιβάτη.",
            ["good-news"] = "Καλά νέα: υπάρχουν θέσεις για την παρέα σας", ["book-now"] = "Κράτηση τώρα",
            ["joined"] = "Είστε στη λίστα.", ["waiting"] = "Στη λίστα αναμονής: αριθμός 1 στη σειρά",
            ["not-offered"] = "Δεν σας έχουν προσφερθεί ακόμη θέσεις", ["left"] = "Αποχωρήσατε από τη λίστα αναμονής.",
            ["left-status"] = "Αποχωρήσατε από τη λίστα αναμονής", ["held"] = "Σας κρατάμε θέσεις", ["claim"] = "Επιβεβαίωση και κράτηση (2 θέσεις)",
        },
        ["fr"] = new()
        {
            ["booked"] = "C'est réservé !", ["destination"] = "Départ", ["calendar"] = "Ajouter au calendrier", ["status"] = "Confirmée",
            ["next"] = "La suite", ["contact"] = "Des questions ou des modifications ? Contactez JK Boats", ["title"] = "Réservation ",
            ["qr"] = "Code QR du code de confirmation ", ["description"] = "La confirmation de votre réservation JK Boats",
            ["manage"] = "Votre réservation", ["change"] = "Modifier cette réservation", ["move"] = "Passer à un autre départ pour ",
            ["untick"] = "Cochez les passagers qui ne voyageront pas.", ["lead"] = "Le titulaire reste sur la réservation",
            ["too-soon"] = "Ce départ n'accepte plus de modifications en ligne (il part dans moins de 24 heures",
            ["elsewhere"] = "En ligne, une réservation ne peut passer que sur un autre départ pour ",
            ["hidden"] = "Passager 2 : un nom ne doit pas contenir de caractères invisibles", ["names"] = "Les noms des passagers sont corrigés.",
            ["removed"] = "1 passager a été retiré de la réservation", ["moved"] = "Votre réservation passe au ", ["more"] = "de plus, à payer à l'embarcadère",
            ["cancelled"] = "Votre réservation est annulée et ses places sont libérées.", ["by-you"] = "Annulée par vous en ligne",
            ["again"] = "Cette réservation était déjà annulée.", ["closed"] = "Les modifications et l'annulation en ligne ont fermé 24 heures avant le départ.",
            ["cancel-late"] = "L'annulation en ligne a fermé 24 heures avant le départ.", ["change-late"] = "Les modifications en ligne ont fermé 24 heures",
            ["weather"] = "Ce départ est annulé : merci de choisir", ["weather-status"] = "Départ annulé : en attente de votre choix",
            ["weather-bad"] = "Choisissez l'un des départs, ou l'annulation. Rien n'a été modifié.",
            ["weather-cancelled"] = "Votre réservation est annulée ; rien à payer.", ["weather-page"] = "Ce départ est annulé",
            ["weather-link"] = "Choisir ce que devient ma réservation",
            ["open"] = "Ouvrir votre réservation", ["open-code"] = "Saisissez le code de confirmation en entier, par ex. JKB-7QX4MZ.",
            ["open-contact"] = "Saisissez l'adresse e-mail ou le numéro de téléphone de la réservation.",
            ["open-mismatch"] = "Ce code et ce contact ne correspondent pas à cette réservation.",
            ["join"] = "S'inscrire sur la liste d'attente", ["correct"] = "Merci de corriger ces points :", ["name-error"] = "Indiquez vos nom et prénom.",
            ["email-error"] = "Indiquez une adresse e-mail comme name@example.com.", ["party-error"] = "Ajoutez au moins un passager.",
            ["good-news"] = "Bonne nouvelle : il y a des places pour votre groupe", ["book-now"] = "Réserver maintenant",
            ["joined"] = "Vous êtes sur la liste.", ["waiting"] = "Sur la liste d'attente : en position 1",
            ["not-offered"] = "Aucune place ne vous a encore été proposée", ["left"] = "Vous avez quitté la liste d'attente.",
            ["left-status"] = "Vous avez quitté la liste d'attente", ["held"] = "Des places vous sont réservées", ["claim"] = "Confirmer et réserver 2 places",
        },
    };

    private async Task<SiteSession> VisitorInAsync(string language)
    {
        var visitor = site.NewSession();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"/language/{language}"))).StatusCode);
        return visitor;
    }

    private async Task<(Guid BookingId, string ManagePath)> BookFamilyAsync(Guid departureId)
    {
        var customer = new CustomerDetails("Nora Lead", $"nora-{Guid.NewGuid():N}@example.com", "+14155550123");
        var outcome = await Inventory.BookAsync(new BookingCommand(new ValidBooking(departureId, 3, customer, Family), BookingChannel.Web, null), CancellationToken.None);
        var booking = Assert.IsType<BookingOutcome.Confirmed>(outcome).Booking;
        return (booking.BookingId, (await Links.UrlForAsync(booking.BookingId, CancellationToken.None)).AbsolutePath);
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task The_confirmation_page_is_in_the_visitors_language_cancelled_or_not(string language)
    {
        var t = Expected[language];
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var (bookingId, _) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = await VisitorInAsync(language);

        var page = await visitor.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, bookingId));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(language, page.Get("html").GetAttribute("lang"));
        Assert.Equal(t["booked"], page.Text("#confirmation-heading"));
        Assert.StartsWith(t["title"], page.Document.Title);
        Assert.StartsWith(t["description"], page.Get("meta[name=description]").GetAttribute("content"));
        Assert.StartsWith(t["qr"], page.Get("article img").GetAttribute("alt"));
        Assert.Contains(t["destination"], page.All("dt").Select(d => d.TextContent.Trim()));
        Assert.Equal(t["status"], page.Text("[data-booking=status]"));
        Assert.Equal(t["next"], page.Text("#next-heading"));
        Assert.Equal(t["calendar"], page.Text("#add-to-calendar"));
        Assert.Equal(t["contact"], page.Text("#operator-contact-heading"));
        AssertNoEnglishLeft(page, language);

        Assert.Equal(ChangeResult.Done, (await Inventory.CancelBookingAsync(bookingId, "test", BookingCancellation.Customer, null, CancellationToken.None)).Result);
        var cancelled = await visitor.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, bookingId));
        Assert.Equal(t["by-you"], cancelled.Text("[data-booking=cancelled-by]"));
        AssertNoEnglishLeft(cancelled, language);
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task The_manage_page_and_every_answer_of_its_changes_are_in_the_visitors_language(string language)
    {
        var t = Expected[language];
        var from = await site.Data.CreateDepartureAsync(capacity: 8, price: 25m, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var dearer = await site.Data.AddDepartureAsync(from, DateTime.UtcNow.AddDays(4), price: 30m);
        var tooSoon = await site.Data.AddDepartureAsync(from, DateTime.UtcNow.AddHours(10));
        var elsewhere = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, departureTime: DateTime.UtcNow.AddDays(4));
        var (_, path) = await BookFamilyAsync(from.DepartureId);
        using var visitor = await VisitorInAsync(language);

        var page = await visitor.GetAsync(path);
        Assert.Equal(language, page.Get("html").GetAttribute("lang"));
        Assert.Equal(t["manage"], page.Text("#manage-heading"));
        Assert.Equal(t["change"], page.Text("#change-heading"));
        Assert.Equal(t["move"] + from.Destination, page.Text("#move-booking summary"));
        AssertNoEnglishLeft(page, language);
        var remove = page.Form("#remove-passengers form");
        var move = page.Form("#move-booking form");
        var names = page.Form("#correct-names form");

        async Task RefusedAsync(AngleSharp.Html.Dom.IHtmlFormElement form, Dictionary<string, string> values, HttpStatusCode status, string text)
        {
            var refused = await visitor.SubmitAsync(form, values);
            Assert.Equal(status, refused.Status);
            Assert.Contains(text, refused.Text("#manage-problem"));
            AssertNoEnglishLeft(refused, language);
        }
        await RefusedAsync(remove, new() { ["remove"] = "" }, HttpStatusCode.BadRequest, t["untick"]);
        await RefusedAsync(remove, new() { ["remove"] = "1" }, HttpStatusCode.BadRequest, t["lead"]);
        await RefusedAsync(move, new() { ["targetDepartureId"] = tooSoon.DepartureId.ToString() }, HttpStatusCode.Conflict, t["too-soon"]);
        await RefusedAsync(move, new() { ["targetDepartureId"] = elsewhere.DepartureId.ToString() }, HttpStatusCode.Conflict, t["elsewhere"] + from.Destination);
        await RefusedAsync(names, new() { ["names[2]"] = "Omar\u200bSecond" }, HttpStatusCode.BadRequest, t["hidden"]);

        async Task<SiteSession.Result> DoneAsync(AngleSharp.Html.Dom.IHtmlFormElement form, Dictionary<string, string> values, params string[] texts)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await visitor.SubmitAsync(form, values)).Status);
            var after = await visitor.GetAsync(path);
            foreach (var text in texts)
            {
                Assert.Contains(text, after.Text("#manage-notice"));
            }
            AssertNoEnglishLeft(after, language);
            return after;
        }
        await DoneAsync(names, new() { ["names[2]"] = "Omar Seconds" }, t["names"]);
        await DoneAsync(remove, new() { ["remove"] = "3" }, t["removed"]);
        await DoneAsync(move, new() { ["targetDepartureId"] = dearer.DepartureId.ToString() }, t["moved"], t["more"]);
        var cancelForm = (await visitor.GetAsync(path)).Form("#cancel-booking form");
        var cancelled = await DoneAsync(cancelForm, [], t["cancelled"]);
        Assert.Equal(t["by-you"], cancelled.Text("#booking-status"));
        await DoneAsync(cancelForm, [], t["again"]);
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task After_the_cut_off_the_manage_page_and_its_refused_cancel_and_change_are_in_the_visitors_language(string language)
    {
        var t = Expected[language];
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var (_, path) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = await VisitorInAsync(language);
        var page = await visitor.GetAsync(path);
        var cancel = page.Form("#cancel-booking form");
        var remove = page.Form("#remove-passengers form");
        await using (var connection = await site.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update departures set departure_time = now() + interval '23 hours' where id = @id", new { id = departure.DepartureId });
        }

        var closed = await visitor.GetAsync(path);
        Assert.StartsWith(t["closed"], closed.Text("#cutoff-passed"));
        AssertNoEnglishLeft(closed, language);
        var refused = await visitor.SubmitAsync(cancel);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.StartsWith(t["cancel-late"], refused.Text("#manage-problem"));
        AssertNoEnglishLeft(refused, language);
        var refusedChange = await visitor.SubmitAsync(remove, new Dictionary<string, string> { ["remove"] = "2" });
        Assert.Equal(HttpStatusCode.Conflict, refusedChange.Status);
        Assert.StartsWith(t["change-late"], refusedChange.Text("#manage-problem"));
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task The_weather_choice_its_refusal_and_its_answer_are_in_the_visitors_language(string language)
    {
        var t = Expected[language];
        var storm = await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddDays(1));
        var offered = await site.Data.AddDepartureAsync(storm, DateTime.UtcNow.AddDays(2));
        var booked = await Inventory.BookAsync(new BookingCommand(new ValidBooking(storm.DepartureId, 2,
            new CustomerDetails("Gale Guest", $"gale-{Guid.NewGuid():N}@example.com", "+14155550125")), BookingChannel.Web, null), CancellationToken.None);
        var bookingId = Assert.IsType<BookingOutcome.Confirmed>(booked).Booking.BookingId;
        Assert.Equal(WeatherPlanResult.Done, (await Inventory.StartWeatherChoiceAsync(new WeatherPlanRequest(storm.DepartureId, "Gale warning",
            [offered.DepartureId], DateTime.UtcNow.AddHours(3), WeatherDefault.Cancel, "admin@jkboats.example"), CancellationToken.None)).Result);
        using var visitor = await VisitorInAsync(language);

        var confirmation = await visitor.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, bookingId));
        Assert.Equal(t["weather-page"], confirmation.Text("#confirmation-heading"));
        Assert.Equal(t["weather-link"], confirmation.Text("#booking-weather a"));
        AssertNoEnglishLeft(confirmation, language);
        var path = (await Links.UrlForAsync(bookingId, CancellationToken.None)).AbsolutePath;
        var page = await visitor.GetAsync(path);
        Assert.Equal(t["weather"], page.Text("#weather-heading"));
        Assert.Equal(t["weather-status"], page.Text("#booking-status"));
        Assert.Equal("Gale warning", page.Text("#weather-reason"));
        AssertNoEnglishLeft(page, language);
        var form = page.Form("#weather-choice form");

        var refused = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["choice"] = "tomorrow" }, pastBrowserChecks: true);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(t["weather-bad"], refused.Text("#manage-problem"));
        Assert.Equal(HttpStatusCode.SeeOther, (await visitor.SubmitAsync(form, new Dictionary<string, string> { ["choice"] = "cancel" })).Status);
        var after = await visitor.GetAsync(path);
        Assert.StartsWith(t["weather-cancelled"], after.Text("#manage-notice"));
        AssertNoEnglishLeft(after, language);
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task Opening_a_booking_by_its_code_and_each_refusal_are_in_the_visitors_language(string language)
    {
        var t = Expected[language];
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, departureTime: DateTime.UtcNow.AddDays(3));
        var email = $"otto-{Guid.NewGuid():N}@example.com";
        var booked = await Inventory.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 1,
            new CustomerDetails("Otto Open", email, "+14155550126")), BookingChannel.Web, null), CancellationToken.None);
        var booking = Assert.IsType<BookingOutcome.Confirmed>(booked).Booking;
        using var visitor = await VisitorInAsync(language);

        var page = await visitor.GetAsync($"/bookings/{booking.BookingId}/open");
        Assert.Equal(t["open"], page.Text("h1"));
        AssertNoEnglishLeft(page, language);
        var form = page.Form("#open-booking");
        foreach (var (code, contact, message) in new[] { ("JKB-1", email, t["open-code"]), (booking.ConfirmationCode, " ", t["open-contact"]),
                     (booking.ConfirmationCode, "someone-else@example.com", t["open-mismatch"]) })
        {
            var refused = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["code"] = code, ["contact"] = contact }, pastBrowserChecks: true);
            Assert.Equal(HttpStatusCode.OK, refused.Status);
            Assert.StartsWith(message, refused.Text("#open-error"));
            AssertNoEnglishLeft(refused, language);
        }
        var opened = await visitor.SubmitAsync(form, new Dictionary<string, string> { ["code"] = booking.ConfirmationCode, ["contact"] = email });
        Assert.Equal(HttpStatusCode.SeeOther, opened.Status);
    }

    [Theory]
    [InlineData("el")]
    [InlineData("fr")]
    public async Task Joining_a_waiting_list_its_refusals_and_the_entry_page_are_in_the_visitors_language(string language)
    {
        var t = Expected[language];
        var departure = await site.Data.CreateDepartureAsync(capacity: 4, fares: TestData.FamilyFares, maxPersons: 5, departureTime: DateTime.UtcNow.AddDays(2));
        using var visitor = await VisitorInAsync(language);
        var joinPath = $"/departures/{departure.DepartureId}/waitlist";

        // While seats are left, the list sends the visitor to book them.
        var early = await visitor.GetAsync(joinPath);
        var seatsLeft = await visitor.SubmitAsync(early.Form("main form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = "Wanda Waiting", ["email"] = $"wanda-{Guid.NewGuid():N}@example.com", ["phone"] = "+1 415 555 0188",
        });
        Assert.Equal(HttpStatusCode.Conflict, seatsLeft.Status);
        Assert.StartsWith(t["good-news"], seatsLeft.Text("#waitlist-problem"));
        Assert.Equal(t["book-now"], seatsLeft.Text("#waitlist-problem a"));
        AssertNoEnglishLeft(seatsLeft, language);

        var full = await Inventory.BookAsync(new BookingCommand(new ValidBooking(departure.DepartureId, 4,
            new CustomerDetails("Full Boat", $"full-{Guid.NewGuid():N}@example.com", "+14155550124")), BookingChannel.Web, null), CancellationToken.None);
        var fullId = Assert.IsType<BookingOutcome.Confirmed>(full).Booking.BookingId;
        var page = await visitor.GetAsync(joinPath);
        Assert.Equal(t["join"], page.Text("#waitlist-heading"));
        AssertNoEnglishLeft(page, language);
        var refused = await visitor.SubmitAsync(page.Form("main form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "0", ["full_name"] = " ", ["email"] = "wanda@", ["phone"] = "+1 415 555 0188",
        }, pastBrowserChecks: true);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(t["correct"], refused.Text("#error-summary p"));
        Assert.Equal(t["name-error"], refused.Text("#full_name-error"));
        Assert.Equal(t["email-error"], refused.Text("#email-error"));
        Assert.Equal(t["party-error"], refused.Text("#fares-error"));
        AssertNoEnglishLeft(refused, language);

        var joined = await visitor.SubmitAsync(page.Form("main form"), new Dictionary<string, string>
        {
            ["fares[adult]"] = "2", ["full_name"] = "Wanda Waiting", ["email"] = $"wanda-{Guid.NewGuid():N}@example.com", ["phone"] = "+1 415 555 0188",
        });
        Assert.Equal(HttpStatusCode.SeeOther, joined.Status);
        var location = joined.Response.Headers.Location!.OriginalString;
        var entry = await visitor.GetAsync(location);
        Assert.StartsWith(t["joined"], entry.Text("#waitlist-joined"));
        Assert.Equal(t["waiting"], entry.Text("#waitlist-status"));
        AssertNoEnglishLeft(entry, language);

        var entryPath = location.Split('?')[0];
        var notOffered = await visitor.PostRawAsync(entryPath + "?handler=Confirm", Antiforgery(entry));
        Assert.Equal(HttpStatusCode.Conflict, notOffered.StatusCode);
        var notOfferedPage = new SiteSession.Result(notOffered, await HtmlForms.ParseAsync(notOffered));
        Assert.StartsWith(t["not-offered"], notOfferedPage.Text("#waitlist-problem"));
        AssertNoEnglishLeft(notOfferedPage, language);

        // Seats free up: they are held for this entry, which offers to book them.
        Assert.Equal(ChangeResult.Done, (await Inventory.RemovePassengersAsync(fullId, [3, 4], "test", null, CancellationToken.None)).Result);
        var held = await visitor.GetAsync(entryPath);
        Assert.Equal(t["held"], held.Text("#entry-heading"));
        Assert.Equal(t["claim"], held.Text("form[action*='handler=Confirm'] button"));
        AssertNoEnglishLeft(held, language);
        Assert.Equal(HttpStatusCode.SeeOther, (await visitor.SubmitAsync(held.Form("form[action*='handler=Leave']"))).Status);
        var left = await visitor.GetAsync(entryPath);
        Assert.Equal(t["left"], left.Text("#waitlist-notice"));
        Assert.Equal(t["left-status"], left.Text("#waitlist-status"));
        AssertNoEnglishLeft(left, language);
    }

    private static Dictionary<string, string> Antiforgery(SiteSession.Result page) =>
        new() { ["__RequestVerificationToken"] = page.Get("input[name=__RequestVerificationToken]").GetAttribute("value")! };

    [Fact]
    public async Task The_staff_page_of_a_booking_made_in_greek_stays_english_for_a_greek_browser()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var (bookingId, path) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = await VisitorInAsync("el");
        Assert.Equal(Expected["el"]["manage"], (await visitor.GetAsync(path)).Text("#manage-heading"));

        var agent = await StaffSession.SignInAsync(site.App, site.Db, StaffRoles.Agent);
        agent.Http.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", "el-GR,el;q=0.9");
        var staffPage = await agent.GetDocumentAsync($"/staff/bookings/{bookingId}");
        Assert.Equal("Confirmation code", staffPage.QuerySelector("#code-label")!.TextContent.Trim());
        Assert.StartsWith("Status: confirmed", staffPage.QuerySelector("[data-field=status]")!.TextContent.Trim());
        Assert.DoesNotContain("Κράτηση", staffPage.Body!.TextContent);
    }

    [Fact]
    public async Task The_english_pages_still_read_in_english()
    {
        var departure = await site.Data.CreateDepartureAsync(capacity: 8, fares: TestData.FamilyFares, maxPersons: 10, departureTime: DateTime.UtcNow.AddDays(3));
        var (bookingId, path) = await BookFamilyAsync(departure.DepartureId);
        using var visitor = site.NewSession();
        Assert.Equal("Your booking", (await visitor.GetAsync(path)).Text("#manage-heading"));
        Assert.Equal("You're booked!", (await visitor.GetAsync(await ConfirmationPages.PathAsync(site.App.Services, bookingId))).Text("#confirmation-heading"));
    }

    /// <summary>The English texts of these pages (their views' and the code's resources), each with what it must become in the
    /// language: a page holding one of them in English, where the language has its own text, has a text left untranslated.</summary>
    private static readonly Lazy<Dictionary<string, List<string>>> EnglishSentences = new(() =>
    {
        var resources = Path.Combine(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../..")), "JkBoats.Web", "Resources");
        string[] files =
        [
            "Pages/Bookings/Confirmation", "Pages/Bookings/Manage", "Pages/Bookings/Open", "Pages/Shared/_OperatorContact",
            "Pages/Waitlist/Join", "Pages/Waitlist/Entry", "Infrastructure/SiteText",
        ];
        return Languages.Supported.Skip(1).ToDictionary(l => l.Code, l => files
            .SelectMany(f => XDocument.Load(Path.Combine(resources, $"{f}.{l.Code}.resx")).Root!.Elements("data"))
            .Where(d => d.Element("value")!.Value != d.Attribute("name")!.Value)
            // The longest stretch without a placeholder, when it is a sentence's worth (a bare word may be a name as well).
            .Select(d => Regex.Split(d.Attribute("name")!.Value, "\\{\\d\\}").Select(s => s.Trim()).MaxBy(s => s.Length)!)
            .Where(s => s.Length >= 14 && s.Contains(' ', StringComparison.Ordinal))
            .Distinct().ToList());
    });

    private static void AssertNoEnglishLeft(SiteSession.Result page, string language)
    {
        var main = page.Get("main");
        var texts = new List<string> { Regex.Replace(main.TextContent, "\\s+", " ") };
        texts.AddRange(main.QuerySelectorAll("[aria-label], [title], [alt], [placeholder]")
            .SelectMany(e => new[] { "aria-label", "title", "alt", "placeholder" }.Select(e.GetAttribute)).OfType<string>());
        texts.Add(page.Document.Title ?? "");
        texts.Add(page.Find("meta[name=description]")?.GetAttribute("content") ?? "");
        var left = EnglishSentences.Value[language].Where(english => texts.Any(t => t.Contains(english, StringComparison.Ordinal))).ToList();
        Assert.True(left.Count == 0, $"English left in the {language} page {page.Response.RequestMessage?.RequestUri}: {string.Join(" | ", left)}");
    }
}
