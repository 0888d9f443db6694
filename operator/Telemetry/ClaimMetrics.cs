using System.Diagnostics.Metrics;

namespace SandboxOperator.Telemetry;

/// <summary>
/// The warm pools' and claims' metrics: sandbox_warmpool_replicas{pool,state=ready|total} (each pool's unclaimed
/// Sandboxes, read from whoever holds the pools when collected; pool is namespace/name), sandbox_claims_total{launch_type}
/// (claims given a Sandbox, warm or cold) and sandbox_claim_ready_seconds{launch_type} (a claim's creation to its
/// Ready=True first seen by the operator).
/// </summary>
public sealed class ClaimMetrics : IDisposable
{
    public const string PoolReplicasName = "sandbox_warmpool_replicas";
    public const string ClaimsName = "sandbox_claims_total";
    public const string ClaimReadyName = "sandbox_claim_ready_seconds";

    private readonly Meter meter = new(OperatorTelemetry.Name);
    private readonly Counter<long> claims;
    private readonly Histogram<double> claimReady;

    public ClaimMetrics(Func<IEnumerable<PoolReplicas>> pools)
    {
        meter.CreateObservableGauge(
            PoolReplicasName,
            () => pools().SelectMany(p => new[]
            {
                new Measurement<int>(p.Ready, new("pool", p.Pool), new("state", "ready")),
                new Measurement<int>(p.Total, new("pool", p.Pool), new("state", "total")),
            }),
            description: "A warm pool's unclaimed Sandboxes: ready, and in all.");
        claims = meter.CreateCounter<long>(ClaimsName, description: "Claims given a Sandbox, by how: warm (taken from a pool) or cold (made from the template).");
        claimReady = meter.CreateHistogram<double>(
            ClaimReadyName,
            unit: "s",
            description: "From a claim's creation to its Ready=True first seen, by launch type.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] });
    }

    /// <summary>A claim was given a Sandbox (once per claim).</summary>
    public void Claimed(string launchType) => claims.Add(1, new KeyValuePair<string, object?>("launch_type", launchType));

    /// <summary>A claim turned Ready for the first time, this long after its creation.</summary>
    public void ClaimReady(string launchType, TimeSpan sinceCreation) =>
        claimReady.Record(Math.Max(0, sinceCreation.TotalSeconds), new KeyValuePair<string, object?>("launch_type", launchType));

    public void Dispose() => meter.Dispose();
}

/// <summary>One pool's unclaimed Sandboxes, for the gauge.</summary>
public readonly record struct PoolReplicas(string Pool, int Ready, int Total);
