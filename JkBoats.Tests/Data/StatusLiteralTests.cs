using System.Text.RegularExpressions;

namespace JkBoats.Tests.Data;

public sealed partial class StatusLiteralTests
{
    private static readonly string[] ScannedProjects = ["JkBoats.Data", "JkBoats.Web"];
    private static readonly string[] ScannedExtensions = [".cs", ".cshtml", ".razor"];
    private const string MappingFile = "JkBoats.Data/Statuses.cs";

    private static readonly (string File, string Line, string Why)[] Allowed =
    [
        ("JkBoats.Data/Operations/OpsMetrics.cs", "public const string Confirmed = \"confirmed\";",
            "a metrics outcome label, not a status: dashboards and alerts key on it, so it must not follow the stored word"),
    ];

    [GeneratedRegex("""['"](confirmed|cancelled|scheduled)['"]""")]
    private static partial Regex QuotedStatusWord();

    [Theory]
    [InlineData("where status = 'cancelled'")]
    [InlineData("Status = \"confirmed\",")]
    [InlineData("and d.status = 'scheduled'")]
    public void The_scan_finds_a_quoted_status_word(string line) => Assert.Matches(QuotedStatusWord(), line);

    [Theory]
    [InlineData("where status = '{StatusSql.Cancelled}'")]
    [InlineData("then 'booking_cancelled'")]
    [InlineData("BookingStatus.Cancelled => (\"Cancelled\", \"bg-slate-200\"),")]
    [InlineData("<p>This booking is cancelled.</p>")]
    public void The_scan_ignores_constants_email_kinds_and_display_text(string line) => Assert.DoesNotMatch(QuotedStatusWord(), line);

    [Fact]
    public void Status_words_are_spelled_only_in_the_enum_mapping()
    {
        var root = RepositoryRoot();
        var offences = new List<string>();
        var allowedSeen = new HashSet<(string, string)>();
        foreach (var file in ScannedProjects.SelectMany(p => SourceFiles(Path.Combine(root, p))))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative == MappingFile) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!QuotedStatusWord().IsMatch(lines[i])) continue;
                var key = (relative, lines[i].Trim());
                if (Allowed.Any(a => (a.File, a.Line) == key)) allowedSeen.Add(key);
                else offences.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
            }
        }

        Assert.True(offences.Count == 0,
            $"Use StatusSql constants or the status enums instead of quoted status words:\n{string.Join('\n', offences)}");
        Assert.All(Allowed, a => Assert.True(allowedSeen.Contains((a.File, a.Line)), $"Stale allowance, remove it: {a.File}: {a.Line}"));
    }

    private static IEnumerable<string> SourceFiles(string projectDir) =>
        Directory.EnumerateFiles(projectDir, "*", SearchOption.AllDirectories)
            .Where(f => ScannedExtensions.Contains(Path.GetExtension(f)))
            .Where(f => !Path.GetRelativePath(projectDir, f).Replace('\\', '/').Split('/')
                .Any(part => part is "bin" or "obj" or "node_modules"));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JkBoats.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No JkBoats.sln above {AppContext.BaseDirectory}");
    }
}
