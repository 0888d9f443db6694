using ControllerRuntime;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// Runs the orphan collector's own listing while this replica leads (only the leader looks for orphans, let alone
/// deletes them); it wakes no Sandbox, so it is no source of the Sandbox controller's queue.
/// </summary>
public sealed class OrphanRunnable(OrphanCollector collector) : ILeaderRunnable
{
    public Task RunAsync(CancellationToken ct) => collector.RunAsync(ct);
}
