using System.Globalization;
using System.Text;

namespace Benchmarks;

/// <summary>The Secrets scenario as a Markdown section: one row per sample, the with/without ratios and the targets.</summary>
internal static class SecretsMemoryReport
{
    /// <summary>The chart's memory limit (charts/northflank-sandbox-operator/values.yaml): above it the pod is OOM-killed.</summary>
    public const double ChartLimitMiB = 384;

    /// <summary>
    /// Holding the Secrets' values would add at least their size (the old cache added more: JSON, base64, objects);
    /// their metadata adds about a kilobyte each, whatever their size. A quarter of the data tells the two apart.
    /// </summary>
    public const double MaxGrowthShareOfData = 0.25;

    public static string Markdown(SecretsMemoryResult r)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"## Operator memory with {r.UnrelatedSecrets} unrelated Secrets"));
        md.AppendLine();
        md.AppendLine(Invariant($"{r.UnrelatedSecrets} Secrets of {r.SecretSizeKiB} KiB ({r.SecretDataMiB:F0} MiB of data), shaped like Helm release Secrets, in the namespace the operator watches; {r.Sandboxes} Sandboxes, each reading one other Secret. "));
        md.AppendLine(Invariant($"Each sample: the operator has reconciled every Sandbox, then stood still 10 s; resident = VmRSS then, peak = VmHWM of its dotnet process."));
        md.AppendLine();
        md.AppendLine("| operator | unrelated Secrets | resident MB | peak MB |");
        md.AppendLine("|---|---:|---:|---:|");
        Row(md, "this build, started", 0, r.Without);
        Row(md, "the same process, after they were created (seen on its watch)", r.UnrelatedSecrets, r.WithByWatch);
        Row(md, "this build, started with them there (its first list)", r.UnrelatedSecrets, r.WithAtStart);
        if (r.BaselineWithout is { } baselineWithout && r.BaselineWith is { } baselineWith)
        {
            Row(md, $"baseline `{r.Baseline}`, started", 0, baselineWithout);
            Row(md, "baseline, started with them there", r.UnrelatedSecrets, baselineWith);
        }

        md.AppendLine();
        md.AppendLine(Invariant($"- with/without: resident **{Format(r.ResidentRatio)}** (+{r.ResidentGrowthMiB:F0} MB), peak {Format(r.PeakRatio)} (the worse of the two ways they arrived)"));
        if (r.BaselineResidentRatio is { } baselineRatio)
        {
            md.AppendLine(Invariant($"- baseline with/without: resident **{baselineRatio:F2}×** (+{r.BaselineResidentGrowthMiB:F0} MB), {r.BaselineWith!.ResidentMiB:F0} MB against this build's {Math.Max(r.WithAtStart.ResidentMiB ?? 0, r.WithByWatch.ResidentMiB ?? 0):F0} MB"));
        }

        md.AppendLine();
        var worstPeak = Math.Max(r.WithAtStart.PeakMiB ?? 0, r.WithByWatch.PeakMiB ?? 0);
        var share = r.ResidentGrowthMiB / r.SecretDataMiB;
        md.AppendLine("Targets:");
        md.AppendLine();
        md.AppendLine(Invariant($"- peak with the Secrets ≤ {ChartLimitMiB:F0} MiB (the chart's memory limit): {Verdict(worstPeak > 0 && worstPeak <= ChartLimitMiB)} ({worstPeak:F0} MiB)"));
        md.AppendLine(Invariant($"- growth ≤ {MaxGrowthShareOfData:P0} of the Secrets' data (their values are not held): {Verdict(share <= MaxGrowthShareOfData)} ({share:P0})"));
        md.AppendLine();
        md.AppendLine(Invariant($"Creating the Secrets took {r.CreateSecretsTime.TotalSeconds:F0} s; the whole scenario {r.WallTime.TotalMinutes:F1} min."));
        return md.ToString();
    }

    private static void Row(StringBuilder md, string what, int secrets, MemorySample sample) =>
        md.AppendLine(Invariant($"| {what} | {secrets} | {sample.ResidentMiB:F0} | {sample.PeakMiB:F0} |"));

    private static string Format(double? ratio) => ratio is { } r ? Invariant($"{r:F2}×") : "n/a";

    private static string Verdict(bool met) => met ? "**met**" : "**NOT met**";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
