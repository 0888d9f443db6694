namespace Benchmarks;

/// <summary>The operator's memory at one moment: VmRSS now and VmHWM (the most it ever held), in bytes.</summary>
internal sealed record MemorySample(long? ResidentBytes, long? PeakBytes)
{
    public double? ResidentMiB => ResidentBytes / 1024.0 / 1024.0;

    public double? PeakMiB => PeakBytes / 1024.0 / 1024.0;
}

/// <summary>What <see cref="SecretsMemoryScenario"/> measured.</summary>
internal sealed record SecretsMemoryResult
{
    public required int UnrelatedSecrets { get; init; }

    public required int SecretSizeKiB { get; init; }

    /// <summary>Sandboxes the operators reconciled, each reading one referenced Secret.</summary>
    public required int Sandboxes { get; init; }

    /// <summary>This build, started on the settled Sandboxes, before the unrelated Secrets exist.</summary>
    public required MemorySample Without { get; init; }

    /// <summary>The same process after the Secrets were created: it saw each on its watch.</summary>
    public required MemorySample WithByWatch { get; init; }

    /// <summary>This build started afresh with the Secrets present: its first list held them all.</summary>
    public required MemorySample WithAtStart { get; init; }

    /// <summary>The comparison build, started the same way, without and with the Secrets (when one was given).</summary>
    public string? Baseline { get; init; }

    public MemorySample? BaselineWithout { get; init; }

    public MemorySample? BaselineWith { get; init; }

    public required TimeSpan CreateSecretsTime { get; init; }

    public required TimeSpan WallTime { get; init; }

    public double SecretDataMiB => UnrelatedSecrets * (double)SecretSizeKiB / 1024;

    /// <summary>With/without, resident, for the worse of the two ways the Secrets reached the operator.</summary>
    public double? ResidentRatio => Ratio(Math.Max(WithAtStart.ResidentBytes ?? 0, WithByWatch.ResidentBytes ?? 0), Without.ResidentBytes);

    public double? PeakRatio => Ratio(Math.Max(WithAtStart.PeakBytes ?? 0, WithByWatch.PeakBytes ?? 0), Without.PeakBytes);

    /// <summary>Resident MiB the Secrets added, the worse way; against <see cref="SecretDataMiB"/> it says whether values are held.</summary>
    public double? ResidentGrowthMiB => Without.ResidentMiB is { } without
        ? Math.Max(WithAtStart.ResidentMiB ?? 0, WithByWatch.ResidentMiB ?? 0) - without
        : null;

    public double? BaselineResidentGrowthMiB => BaselineWith?.ResidentMiB - BaselineWithout?.ResidentMiB;

    public double? BaselineResidentRatio => Ratio(BaselineWith?.ResidentBytes, BaselineWithout?.ResidentBytes);

    private static double? Ratio(long? with, long? without) => with is > 0 && without is > 0 ? (double)with / without.Value : null;
}
