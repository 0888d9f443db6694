namespace Benchmarks;

/// <summary>What one (N, mode) run measured. Calls come from the simulator's request log, so nothing is missed.</summary>
internal sealed record ScenarioResult
{
    public required int Sandboxes { get; init; }

    public required ObservationMode Mode { get; init; }

    /// <summary>The token's limit per simulated hour (the simulator enforces it per window of 1 h / TimeScale).</summary>
    public required int RequestsPerHour { get; init; }

    /// <summary>From the first create until the steady state began (all Ready, plus a short settle).</summary>
    public required int CreateCalls { get; init; }

    public required int SteadyCalls { get; init; }

    /// <summary>From the delete until the operator stopped, the simulator empty.</summary>
    public required int DeleteCalls { get; init; }

    /// <summary>Sandboxes × hours held: simulated hours for batched, real hours for naive (its 30 s is not compressed).</summary>
    public required double SteadySandboxHours { get; init; }

    public required int Throttled { get; init; }

    /// <summary>Most requests in any sliding window of one simulated hour, against <see cref="RequestsPerHour"/>.</summary>
    public required int PeakCallsPerWindow { get; init; }

    /// <summary>The operator's own count (northflank_requests_total), to cross-check the simulator's log.</summary>
    public required double OperatorCountedCalls { get; init; }

    /// <summary>Seconds from the simulator finishing each deployment to its Sandbox showing Ready=True.</summary>
    public required IReadOnlyList<double> ReadyLagSeconds { get; init; }

    // The delete latencies are not required so that results.json of runs from before they were measured still load for
    // --replot (their percentiles show as NaN).

    /// <summary>Seconds from the delete call to each Sandbox's Deleted event on a watch.</summary>
    public IReadOnlyList<double> DeleteLatencySeconds { get; init; } = [];

    /// <summary>Seconds from the simulator deleting each Sandbox's service to the Sandbox's Deleted event on a watch.</summary>
    public IReadOnlyList<double> GoneAfterNorthflankSeconds { get; init; } = [];

    public required double CreateReconcilesPerSecond { get; init; }

    public required double SteadyReconcilesPerSecond { get; init; }

    public required long? PeakMemoryBytes { get; init; }

    public required TimeSpan CreateToReady { get; init; }

    public required TimeSpan DeleteToGone { get; init; }

    public required TimeSpan WallTime { get; init; }

    public double CallsPerSandbox => (double)(CreateCalls + DeleteCalls) / Sandboxes;

    public double CreateCallsPerSandbox => (double)CreateCalls / Sandboxes;

    public double DeleteCallsPerSandbox => (double)DeleteCalls / Sandboxes;

    public double SteadyCallsPerSandboxHour => SteadyCalls / SteadySandboxHours;

    /// <summary>
    /// What naive mode would get at real speed, where its budget (90 % of the limit) caps it: with more than
    /// 0.9 × limit / 120 Sandboxes it cannot look every 30 s. Batched is far under its budget, so this is its measurement.
    /// </summary>
    public double SteadyCallsPerSandboxHourAtRealLimit => Math.Min(SteadyCallsPerSandboxHour, 0.9 * RequestsPerHour / Sandboxes);

    public double ReadyLagP50 => Percentile(ReadyLagSeconds, 0.50);

    public double ReadyLagP95 => Percentile(ReadyLagSeconds, 0.95);

    public double DeleteLatencyP50 => Percentile(DeleteLatencySeconds, 0.50);

    public double DeleteLatencyP95 => Percentile(DeleteLatencySeconds, 0.95);

    public double GoneAfterNorthflankP50 => Percentile(GoneAfterNorthflankSeconds, 0.50);

    public double GoneAfterNorthflankP95 => Percentile(GoneAfterNorthflankSeconds, 0.95);

    private static double Percentile(IReadOnlyList<double> values, double p) => NearestRank.Percentile(values, p);
}
