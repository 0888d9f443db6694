using System.Globalization;
using System.Text.RegularExpressions;

namespace KubectlSandbox.Cli;

/// <summary>Durations as kubectl's flags take them (Go's syntax): <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>250ms</c>.</summary>
internal static partial class Duration
{
    public static TimeSpan Parse(string flag, string text)
    {
        var parts = Part().Matches(text);
        if (text.Length == 0 || parts.Sum(p => p.Length) != text.Length)
        {
            throw new UsageException($"--{flag}: '{text}' is not a duration such as 30s, 5m or 1h30m");
        }

        return parts.Aggregate(TimeSpan.Zero, (sum, p) => sum + Unit(p.Groups[2].Value) * double.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static TimeSpan Unit(string unit) =>
        unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(1),
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            _ => TimeSpan.FromHours(1),
        };

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ms|h|m|s)")]
    private static partial Regex Part();
}
