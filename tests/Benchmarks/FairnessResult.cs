using System.Globalization;
using System.Text;

namespace Benchmarks;

/// <summary>What the fairness scenario measured: one run per operator build.</summary>
internal sealed record FairnessResult
{
    /// <summary>What the issue asked: another namespace's Sandbox Ready within its deployment time plus this, p95.</summary>
    public const double TargetSeconds = 5;

    public required int Pool { get; init; }

    public required int Tries { get; init; }

    public required IReadOnlyList<FairnessRun> Runs { get; init; }

    public string Markdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"## Fairness: a single Sandbox in namespace B while a warm pool of {Pool} fills in A, on one shared token (real speed)").AppendLine();
        md.AppendLine("| operator | tries (during the fill) | Ready − deployment finished p50 / p95 / max s | Ready − created − deployment time p50 / p95 / max s | created→Ready max s | Throttled tries | pool filled s | calls | 429s |");
        md.AppendLine("|---|---:|---|---|---:|---:|---:|---:|---:|");
        foreach (var run in Runs)
        {
            md.AppendLine(inv,
                $"| {run.Label} | {run.Tries.Count} ({run.Tries.Count(t => t.DuringPoolFill)}) | {Triple(run.AfterDeployment)} | {Triple(run.Overhead)} | " +
                $"{run.Tries.Select(t => (t.ReadyAt - t.CreatedAt).TotalSeconds).DefaultIfEmpty(double.NaN).Max():F2} | {run.Tries.Count(t => t.ThrottledMessage is not null)} | " +
                $"{(run.PoolFilledSeconds is { } s ? s.ToString("F1", inv) : "not within 3 min")} | {run.Calls} | {run.Throttled} |");
        }

        md.AppendLine();
        foreach (var run in Runs)
        {
            var p95 = ClaimsResult.Percentile(run.Overhead, 0.95);
            md.AppendLine(inv, $"- {run.Label}: Ready within the deployment time ({run.DeploymentSeconds:F0} s) + {TargetSeconds:F0} s at p95: **{(p95 <= TargetSeconds ? "met" : "missed")}** ({p95:F2} s over it); 429s: {run.Throttled}; {run.WallTime.TotalMinutes:F1} min");
            foreach (var t in run.Tries.Where(t => t.ThrottledMessage is not null).Take(3))
            {
                md.AppendLine(inv, $"  - {t.Name} showed Throttled: {t.ThrottledMessage}");
            }
        }

        md.AppendLine();
        md.AppendLine("Per try: the Sandbox's create call, Ready=True first seen on a watch of namespace B, and the simulator's `DeploymentFinishedAt` of its service. \"Ready − created − deployment time\" is what the operator added to the deployment's own duration (the simulator's PENDING + IN_PROGRESS), waiting for a worker, the budget and the progress list included.");
        return md.ToString();
    }

    private static string Triple(IReadOnlyList<double> values) => string.Create(
        CultureInfo.InvariantCulture,
        $"{ClaimsResult.Percentile(values, 0.5):F2} / {ClaimsResult.Percentile(values, 0.95):F2} / {values.DefaultIfEmpty(double.NaN).Max():F2}");
}

/// <summary>One operator build's run: its tries and what the pool cost.</summary>
internal sealed record FairnessRun
{
    public required string Label { get; init; }

    /// <summary>The simulator's PENDING + IN_PROGRESS: how long a deployment takes once created.</summary>
    public required double DeploymentSeconds { get; init; }

    public required IReadOnlyList<FairnessTry> Tries { get; init; }

    /// <summary>From the pool's creation to its last Sandbox's Ready; null when it did not fill within the wait after the tries.</summary>
    public double? PoolFilledSeconds { get; init; }

    public required int Calls { get; init; }

    public required int Throttled { get; init; }

    public required TimeSpan WallTime { get; init; }

    public IReadOnlyList<double> AfterDeployment => [.. Tries.Select(t => t.AfterDeploymentSeconds)];

    public IReadOnlyList<double> Overhead => [.. Tries.Select(t => (t.ReadyAt - t.CreatedAt).TotalSeconds - DeploymentSeconds)];
}

/// <summary>One single Sandbox in namespace B.</summary>
internal sealed record FairnessTry
{
    public required string Name { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ReadyAt { get; init; }

    public required DateTimeOffset DeploymentFinishedAt { get; init; }

    /// <summary>Whether the pool in A was still filling (fewer Ready than its replicas) when the try began.</summary>
    public required bool DuringPoolFill { get; init; }

    /// <summary>The first Throttled message the Sandbox showed (with when it would be served), if it showed one.</summary>
    public string? ThrottledMessage { get; init; }

    public double AfterDeploymentSeconds => (ReadyAt - DeploymentFinishedAt).TotalSeconds;
}
