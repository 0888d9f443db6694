using System.Globalization;
using System.Text;

namespace Benchmarks;

/// <summary>The results as Markdown: settings, one table row per (N, mode), naive/batched ratios and the targets.</summary>
internal static class ResultsReport
{
    public static string Markdown(BenchSettings settings, IReadOnlyList<ScenarioResult> results, string commandLine)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# Benchmark: Northflank calls of the Sandbox operator ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC)"));
        md.AppendLine();
        md.AppendLine(Invariant($"Command: `{commandLine}` on {Environment.ProcessorCount} cores."));
        if (results.Count == 0)
        {
            // Only the Secrets scenario ran (--scenarios secrets): it reports itself.
            return md.ToString();
        }

        md.AppendLine(Invariant($"Simulator: PENDING {settings.PendingDuration.TotalSeconds:F0} s, IN_PROGRESS {settings.InProgressDuration.TotalSeconds:F0} s per deployment; Sandboxes with no volume and no ports."));
        md.AppendLine(Invariant($"**Time compression ×{settings.TimeScale}**: the simulator's 1-hour rate-limit window lasts {3600.0 / settings.TimeScale:F0} s; the operator gets `--requests-per-hour` = limit × {settings.TimeScale}, "));
        md.AppendLine(Invariant($"`--settled-poll-interval` {settings.SettledPollInterval.TotalHours:F0} h / {settings.TimeScale}, `--drift-check-interval` {settings.DriftCheckInterval.TotalHours:F0} h / {settings.TimeScale}, `--progress-poll-interval` {settings.ProgressPollInterval.TotalSeconds:F2} s (not scaled: deployments take real seconds)."));
        md.AppendLine(Invariant($"The steady state is held {settings.SteadyHours} simulated h ({settings.SteadyHold.TotalSeconds:F0} s); batched steady calls are per **simulated** sandbox-hour. Naive mode looks at settled Sandboxes every {BenchSettings.NaiveLookInterval.TotalSeconds:F0} s, fixed in the operator and not compressible, so its steady calls are per **real** sandbox-hour; at real speed its budget would cap it at 0.9 × limit / N (the ratios use that cap). Limit/h: {BenchSettings.DefaultRequestsPerHour} (Northflank's default) up to 100 Sandboxes, 10 × N above (a raised limit)."));
        md.AppendLine();
        md.AppendLine("| N | mode | limit/h | calls/sandbox create→Ready→gone | create | delete | steady calls/sandbox-h | Ready lag p50 s | p95 s | delete→Sandbox gone p50 s | p95 s | Northflank gone→Sandbox gone p50 s | p95 s | reconciles/s create | steady | peak MB | 429s | max calls in 1 sim. h | create→all Ready s | delete→gone s | wall s |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(Invariant(
                $"| {r.Sandboxes} | {r.Mode.ToString().ToLowerInvariant()} | {r.RequestsPerHour} | {r.CallsPerSandbox:F2} | {r.CreateCallsPerSandbox:F2} | {r.DeleteCallsPerSandbox:F2} | {r.SteadyCallsPerSandboxHour:F3} | {r.ReadyLagP50:F2} | {r.ReadyLagP95:F2} | {r.DeleteLatencyP50:F2} | {r.DeleteLatencyP95:F2} | {r.GoneAfterNorthflankP50:F2} | {r.GoneAfterNorthflankP95:F2} | {r.CreateReconcilesPerSecond:F1} | {r.SteadyReconcilesPerSecond:F1} | {Megabytes(r.PeakMemoryBytes)} | {r.Throttled} | {r.PeakCallsPerWindow} | {r.CreateToReady.TotalSeconds:F1} | {r.DeleteToGone.TotalSeconds:F1} | {r.WallTime.TotalSeconds:F0} |"));
        }

        md.AppendLine();
        AppendRatios(md, results);
        AppendTargets(md, results, settings.DriftCheckInterval.TotalHours);
        if (settings.TimeScale == 1)
        {
            AppendRealSpeedTargets(md, results);
        }
        md.AppendLine();
        md.AppendLine("Calls are counted in the simulator's request log by phase: create = first create until 3 s after the last Ready; steady = the hold; delete = from the delete until the operator stopped. " +
            "The operator's own `northflank_requests_total` is checked against it (see the console). Ready lag = first Ready=True seen on a watch minus the simulator's `DeploymentFinishedAt` of the Sandbox's service. " +
            "Delete→Sandbox gone = the Sandbox's Deleted event on a watch minus when the delete-collection call was sent; Northflank gone→Sandbox gone = the same event minus when the simulator removed its service (`DeletedServices`). Percentiles are nearest-rank. " +
            "Reconciles/s from `operator_reconciles_total`. Peak MB = VmHWM of the operator's dotnet process.");
        return md.ToString();
    }

    private static void AppendRatios(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        foreach (var group in results.GroupBy(r => r.Sandboxes))
        {
            var batched = group.FirstOrDefault(r => r.Mode == ObservationMode.Batched);
            var naive = group.FirstOrDefault(r => r.Mode == ObservationMode.Naive);
            if (batched is not null && naive is not null)
            {
                md.AppendLine(Invariant(
                    $"- N={group.Key}: naive/batched calls per sandbox (create→gone) **{Ratio(naive.CallsPerSandbox, batched.CallsPerSandbox)}**, steady calls per sandbox-hour **{Ratio(naive.SteadyCallsPerSandboxHourAtRealLimit, batched.SteadyCallsPerSandboxHour)}** (naive {naive.SteadyCallsPerSandboxHour:F1} measured, {naive.SteadyCallsPerSandboxHourAtRealLimit:F2} under its budget at real speed)"));
            }
        }

        md.AppendLine();
    }

    private static void AppendTargets(StringBuilder md, IReadOnlyList<ScenarioResult> results, double settingsDriftHours)
    {
        var batched = results.Where(r => r.Mode == ObservationMode.Batched).ToList();
        if (batched.Count == 0)
        {
            return;
        }

        md.AppendLine("Targets (batched mode):");
        md.AppendLine();
        Target(md, "≤ 4 calls per sandbox create→Ready→gone", batched, r => r.CallsPerSandbox <= 4, r => Invariant($"{r.CallsPerSandbox:F2}"));
        Target(md, "≤ 0.2 steady calls per sandbox-hour", batched, r => r.SteadyCallsPerSandboxHour <= 0.2, r => Invariant($"{r.SteadyCallsPerSandboxHour:F3}"));
        // A hold shorter than the drift-check interval sees none of those GETs; add their share so the target is judged honestly.
        var driftShare = 1 / settingsDriftHours;
        Target(md, Invariant($"≤ 0.2 steady calls per sandbox-hour with the drift check's GET (1 per sandbox per {settingsDriftHours:F0} h = +{driftShare:F3}) added"), batched, r => r.SteadyCallsPerSandboxHour + driftShare <= 0.2, r => Invariant($"{r.SteadyCallsPerSandboxHour + driftShare:F3}"));
        // Only where naive made steady calls: a hold shorter than its 30 s look interval measures nothing to compare.
        Target(md, "≥ 20× fewer steady calls than naive", [.. batched.Where(r => SteadyRatio(results, r) is not null)], r => SteadyRatio(results, r) >= 20, r => Invariant($"{SteadyRatio(results, r):F0}×"));
        Target(md, "Ready p95 ≤ 2 s after the deployment finished", batched, r => r.ReadyLagP95 <= 2, r => Invariant($"{r.ReadyLagP95:F2} s"));
        Target(md, "Sandbox gone p95 ≤ 2 s after Northflank deleted its service", batched, r => r.GoneAfterNorthflankP95 <= 2, r => Invariant($"{r.GoneAfterNorthflankP95:F2} s"));
        Target(md, "peak memory ≤ 250 MB with 1000 Sandboxes", [.. batched.Where(r => r.Sandboxes >= 1000)], r => r.PeakMemoryBytes <= 250L * 1024 * 1024, r => Megabytes(r.PeakMemoryBytes) + " MB");
        Target(md, "no 429 from Northflank", results, r => r.Throttled == 0, r => r.Throttled.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The real-speed issue's targets: only a run without time compression can judge them.</summary>
    private static void AppendRealSpeedTargets(StringBuilder md, IReadOnlyList<ScenarioResult> results)
    {
        var batched = results.Where(r => r.Mode == ObservationMode.Batched).ToList();
        md.AppendLine();
        md.AppendLine("Targets at real speed (batched mode):");
        md.AppendLine();
        Target(md, "Ready p95 ≤ 1 s after the deployment finished (N ≤ 100)", [.. batched.Where(r => r.Sandboxes <= 100)], r => r.ReadyLagP95 <= 1, r => Invariant($"{r.ReadyLagP95:F2} s"));
        Target(md, "Sandbox gone p95 ≤ 1 s after Northflank removed its service (N ≤ 100)", [.. batched.Where(r => r.Sandboxes <= 100)], r => r.GoneAfterNorthflankP95 <= 1, r => Invariant($"{r.GoneAfterNorthflankP95:F2} s"));
        foreach (var (size, ready, gone) in new[] { (100, 12, 10), (300, 30, 20), (1000, 60, double.NaN) })
        {
            var rows = batched.Where(r => r.Sandboxes == size).ToList();
            Target(md, Invariant($"N = {size}: apply → all Ready ≤ {ready} s"), rows, r => r.CreateToReady.TotalSeconds <= ready, r => Invariant($"{r.CreateToReady.TotalSeconds:F1} s"));
            if (!double.IsNaN(gone))
            {
                Target(md, Invariant($"N = {size}: delete → all gone ≤ {gone} s"), rows, r => r.DeleteToGone.TotalSeconds <= gone, r => Invariant($"{r.DeleteToGone.TotalSeconds:F1} s"));
            }
        }
    }

    private static void Target(StringBuilder md, string what, IReadOnlyList<ScenarioResult> rows, Func<ScenarioResult, bool> met, Func<ScenarioResult, string> value)
    {
        if (rows.Count == 0)
        {
            md.AppendLine($"- {what}: not measured in this run");
            return;
        }

        var verdict = rows.All(met) ? "**met**" : "**NOT met**";
        md.AppendLine($"- {what}: {verdict} ({string.Join(", ", rows.Select(r => Invariant($"N={r.Sandboxes} {r.Mode.ToString().ToLowerInvariant()}: {value(r)}")))})");
    }

    private static double? SteadyRatio(IReadOnlyList<ScenarioResult> results, ScenarioResult batched) =>
        results.FirstOrDefault(r => r.Sandboxes == batched.Sandboxes && r.Mode == ObservationMode.Naive) is { SteadyCalls: > 0 } naive
            ? naive.SteadyCallsPerSandboxHourAtRealLimit / Math.Max(batched.SteadyCallsPerSandboxHour, double.Epsilon)
            : null;

    private static string Ratio(double naive, double batched) => (naive, batched) switch
    {
        (0, 0) => "n/a (both 0)",
        (_, 0) => "∞ (batched made none)",
        _ => Invariant($"{naive / batched:F1}×"),
    };

    private static string Megabytes(long? bytes) => bytes is { } b ? Invariant($"{b / 1024.0 / 1024.0:F0}") : "n/a";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
