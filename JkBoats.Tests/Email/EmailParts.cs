using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MimeKit;

namespace JkBoats.Tests.Email;

/// <summary>Reading a received message the way a mail program does: its HTML as a DOM, its text lines, its parts.</summary>
public static class EmailParts
{
    public static async Task<IDocument> HtmlOf(MimeMessage message) => await new HtmlParser().ParseDocumentAsync(message.HtmlBody!);

    /// <summary>The trip-details table: label → value.</summary>
    public static Dictionary<string, string> DetailRows(IDocument html) =>
        html.QuerySelectorAll("#booking-details tr").ToDictionary(row => row.QuerySelector("th")!.TextContent, row => row.QuerySelector("td")!.TextContent);

    public static string[] LinesOf(MimeMessage message) => message.TextBody!.ReplaceLineEndings("\n").Split('\n');

    public static string Decoded(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        return Encoding.UTF8.GetString(content.ToArray());
    }

    public static byte[] Bytes(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        return content.ToArray();
    }

    public static Ical.Net.CalendarComponents.CalendarEvent CalendarEventOf(MimeMessage message)
    {
        var file = Assert.IsAssignableFrom<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal("text/calendar", file.ContentType.MimeType);
        return Assert.Single(Ical.Net.Calendar.Load(Decoded(file))!.Events);
    }

    /// <summary>Everything a reader could see: subject, sender, every text part decoded (plain, HTML, calendar). Images are left out:
    /// their base64 is no text, and three letters of it may spell anything.</summary>
    public static string ReadableText(MimeMessage message) => string.Join("\n",
        new[] { message.Subject, message.From.ToString() }.Concat(
            message.BodyParts.OfType<MimePart>().Where(part => part.ContentType.MediaType == "text").Select(Decoded)));

    /// <summary><see cref="ReadableText"/> less links and confirmation codes: their random letters may spell anything.</summary>
    public static string OwnWords(MimeMessage message) =>
        Regex.Replace(ReadableText(message), @"https?://\S+|JKB-[A-Z0-9]+|cid:\S+", "");

    public static string KindOf(MimeMessage message) => message.Headers["X-JkBoats-Email"] ?? "";
}
