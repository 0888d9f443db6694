using ControllerRuntime;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>Feeds the Sandboxes the progress watch wakes into the controller's work queue.</summary>
public sealed class ProgressSource(ProgressWatch progress) : IKeySource
{
    public Task RunAsync(Action<ObjectKey> enqueue, CancellationToken ct) =>
        progress.RunAsync((ns, name) => enqueue(new ObjectKey(ns, name)), ct);
}
