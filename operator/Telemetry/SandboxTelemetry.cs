using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SandboxOperator.Telemetry;

/// <summary>sandboxes{ready_reason}: how many Sandboxes stand at each Ready reason, from each one's last reconcile.</summary>
public static class SandboxTelemetry
{
    private static readonly ConcurrentDictionary<string, string> ReasonBySandbox = new();

    // Registered with the meter when the class is first used; kept in a field so it lives as long as the process.
    private static readonly ObservableGauge<int> Sandboxes = NorthflankTelemetry.Meter.CreateObservableGauge(
        "sandboxes",
        () => ReasonBySandbox.Values.GroupBy(reason => reason)
            .Select(group => new Measurement<int>(group.Count(), new KeyValuePair<string, object?>("ready_reason", group.Key))),
        description: "Sandboxes by the reason of their Ready condition.");

    public static void Record(string sandboxKey, string readyReason) => ReasonBySandbox[sandboxKey] = readyReason;

    public static void Forget(string sandboxKey) => ReasonBySandbox.TryRemove(sandboxKey, out _);

    private static Func<int> orphans = () => 0;

    // northflank_orphaned_services: services of this cluster whose Sandbox is gone, found and not yet deleted.
    private static readonly ObservableGauge<int> Orphans = NorthflankTelemetry.Meter.CreateObservableGauge(
        "northflank_orphaned_services", () => orphans(), description: "Northflank services carrying this cluster's marker whose Sandbox is gone.");

    /// <summary>Where the orphaned-services gauge reads its count.</summary>
    public static void CountOrphansWith(Func<int> count) => orphans = count;
}
