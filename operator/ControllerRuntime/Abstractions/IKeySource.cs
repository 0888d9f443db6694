namespace ControllerRuntime;

/// <summary>
/// Tells a controller which entities to reconcile from outside the Kubernetes API (controller-runtime's
/// source.Channel): for example a poller of an external API that wakes exactly the objects whose external state
/// changed. A source runs while its controller runs, after the caches have synced; if it fails it is started again.
/// </summary>
public interface IKeySource
{
    Task RunAsync(Action<ObjectKey> enqueue, CancellationToken ct);
}
