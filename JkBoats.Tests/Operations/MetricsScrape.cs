using System.Globalization;
using System.Net;

namespace JkBoats.Tests.Operations;

public sealed class MetricsScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            var series = line[..space];
            var value = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            var brace = series.IndexOf('{');
            var name = brace < 0 ? series : series[..brace];
            var labels = new Dictionary<string, string>();
            if (brace >= 0)
            {
                foreach (var pair in SplitLabels(series[(brace + 1)..^1]))
                {
                    var eq = pair.IndexOf('=');
                    labels[pair[..eq]] = pair[(eq + 2)..^1];
                }
            }
            _series.Add((name, labels, value));
        }
    }

    public string Text { get; }

    public static async Task<MetricsScrape> ReadAsync(HttpClient http)
    {
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new MetricsScrape(await response.Content.ReadAsStringAsync());
    }

    public bool Has(string name, params (string Key, string Value)[] labels) => Matching(name, labels).Any();

    public double Value(string name, params (string Key, string Value)[] labels) => Matching(name, labels).Sum(s => s.Value);

    private IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Matching(string name, (string Key, string Value)[] labels) =>
        _series.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    private static IEnumerable<string> SplitLabels(string labels)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == '"' && (i == 0 || labels[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (labels[i] == ',' && !quoted)
            {
                yield return labels[start..i];
                start = i + 1;
            }
        }
        if (start < labels.Length)
        {
            yield return labels[start..];
        }
    }
}
