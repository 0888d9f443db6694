using System.Globalization;

namespace Benchmarks;

/// <summary>The operator's Prometheus text from /metrics, summed per metric name (over all label sets).</summary>
internal sealed class OperatorMetrics(IReadOnlyDictionary<string, double> sums)
{
    public static OperatorMetrics Empty { get; } = new(new Dictionary<string, double>());

    public double this[string name] => sums.GetValueOrDefault(name);

    public static async Task<OperatorMetrics> ScrapeAsync(HttpClient http, Uri healthAddress, CancellationToken ct)
    {
        var text = await http.GetStringAsync(new Uri(healthAddress, "/metrics"), ct);
        return Parse(text);
    }

    /// <summary>Lines are <c>name{labels} value [timestamp]</c> or <c>name value</c>; comments start with #.</summary>
    public static OperatorMetrics Parse(string text)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : nameEnd;
            var parts = line[valueStart..].Trim().Split(' ');
            if (nameEnd > 0 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                var name = line[..nameEnd];
                sums[name] = sums.GetValueOrDefault(name) + value;
            }
        }

        return new OperatorMetrics(sums);
    }
}
