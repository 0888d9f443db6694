using System.Text.Json;
using System.Text.Json.Serialization;

namespace Benchmarks;

/// <summary>
/// Everything a run measured, saved as results.json next to results.md, so the report and the chart can be made again
/// (<c>--replot DIR</c>) without another half-hour run.
/// </summary>
internal sealed record BenchRecord(
    BenchSettings Settings,
    IReadOnlyList<ScenarioResult> Results,
    string CommandLine,
    double TotalMinutes,
    SecretsMemoryResult? SecretsMemory = null,
    ClaimsResult? Claims = null,
    FairnessResult? Fairness = null,
    ConnectResult? Connect = null)
{
    public const string FileName = "results.json";

    // Named floating-point literals: a percentile of nothing measured is NaN (e.g. an older results.json replotted),
    // which would otherwise fail the whole write.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<BenchRecord> LoadAsync(string directory) =>
        JsonSerializer.Deserialize<BenchRecord>(await File.ReadAllTextAsync(Path.Combine(directory, FileName)), Json)
            ?? throw new InvalidDataException($"{FileName} in {directory} is empty");

    /// <summary>Writes results.json, results.md and (with call results) calls.png into <paramref name="directory"/>; returns the Markdown.</summary>
    public async Task<string> WriteAsync(string directory)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));
        var markdown = ResultsReport.Markdown(Settings, Results, CommandLine)
            + (SecretsMemory is { } secrets ? "\n" + SecretsMemoryReport.Markdown(secrets) : "")
            + (Claims is { } claims ? "\n" + claims.Markdown(Results.FirstOrDefault(r => r.Mode == ObservationMode.Batched)?.SteadyCallsPerSandboxHour) : "")
            + (Fairness is { } fairness ? "\n" + fairness.Markdown() : "")
            + (Connect is { } connect ? "\n" + connect.Markdown(CommandLine) : "")
            + $"\nTotal time {TotalMinutes:F1} min.\n";
        await File.WriteAllTextAsync(Path.Combine(directory, "results.md"), markdown);
        if (Results.Count > 0)
        {
            ResultsChart.Save(Results, Settings.TimeScale, Path.Combine(directory, "calls.png"));
        }

        return markdown;
    }
}
