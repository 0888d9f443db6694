using ControllerRuntime;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>Runs the orphan collector's own listing while the controller runs (only the leader looks for orphans).</summary>
public sealed class OrphanSource(OrphanCollector collector) : IKeySource
{
    public Task RunAsync(Action<ObjectKey> enqueue, CancellationToken ct) => collector.RunAsync(ct);
}
