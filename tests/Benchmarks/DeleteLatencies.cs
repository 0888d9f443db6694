using NorthflankSimulator.Inspection;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// How long deleted Sandboxes took to go, per Sandbox: from the delete call, and from the moment Northflank (the
/// simulator) no longer held its service. The second is the operator's own share: the first also holds the API
/// server marking each Sandbox deleted and the DELETE calls queued behind the token's budget and workers.
/// </summary>
internal static class DeleteLatencies
{
    /// <summary>Each Sandbox's service, read before the delete: once the finalizer goes, its status goes with it.</summary>
    public static IReadOnlyDictionary<string, (string ProjectId, string ServiceId)> ServicesOf(IEnumerable<Sandbox> sandboxes) =>
        sandboxes
            .Where(s => s.Status is { ProjectId: not null, ServiceId: not null })
            .ToDictionary(s => s.Metadata.Name, s => (s.Status!.ProjectId!, s.Status.ServiceId!), StringComparer.Ordinal);

    /// <summary>Seconds from <paramref name="deleteSent"/> to each Sandbox's Deleted event.</summary>
    public static IReadOnlyList<double> FromDeleteCall(DateTimeOffset deleteSent, IEnumerable<string> names, SandboxWatcher watcher) =>
        [.. names.Where(watcher.DeletedAt.ContainsKey).Select(n => (watcher.DeletedAt[n] - deleteSent).TotalSeconds)];

    /// <summary>
    /// Seconds from the simulator removing each Sandbox's service to the Sandbox's Deleted event. The last removal
    /// counts: a service deleted, recreated and deleted again was confirmed gone by the last one only.
    /// </summary>
    public static IReadOnlyList<double> FromNorthflank(
        IReadOnlyDictionary<string, (string ProjectId, string ServiceId)> services, SimulatorStateSnapshot state, SandboxWatcher watcher)
    {
        var removed = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var deleted in state.DeletedServices)
        {
            removed[(deleted.ProjectId, deleted.Id)] = deleted.DeletedAt;
        }

        return
        [
            .. services
                .Where(s => watcher.DeletedAt.ContainsKey(s.Key) && removed.ContainsKey(s.Value))
                .Select(s => (watcher.DeletedAt[s.Key] - removed[s.Value]).TotalSeconds),
        ];
    }
}
