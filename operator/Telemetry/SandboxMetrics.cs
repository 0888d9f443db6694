using System.Diagnostics.Metrics;

namespace SandboxOperator.Telemetry;

/// <summary>
/// The Sandboxes' gauges, read from whoever holds the numbers when they are collected: sandboxes{ready_reason} (how many
/// Sandboxes stand at each Ready reason, from each one's last reconcile) and northflank_orphaned_services (services of
/// this cluster whose Sandbox is gone, found and not yet deleted).
/// </summary>
public sealed class SandboxMetrics : IDisposable
{
    private readonly Meter meter = new(OperatorTelemetry.Name);

    public SandboxMetrics(Func<IEnumerable<string>> readyReasons, Func<int> orphans)
    {
        meter.CreateObservableGauge(
            "sandboxes",
            () => readyReasons().GroupBy(reason => reason)
                .Select(group => new Measurement<int>(group.Count(), new KeyValuePair<string, object?>("ready_reason", group.Key))),
            description: "Sandboxes by the reason of their Ready condition.");
        meter.CreateObservableGauge(
            "northflank_orphaned_services", orphans, description: "Northflank services carrying this cluster's marker whose Sandbox is gone.");
    }

    public void Dispose() => meter.Dispose();
}
