namespace ControllerRuntime;

/// <summary>What the host needs from any controller, whatever its entity type.</summary>
public interface IRunnableController
{
    string Name { get; }

    IReadOnlyList<IInformer> Informers { get; }

    /// <summary>Runs informers, waits for their caches, then runs workers until <paramref name="ct"/> is cancelled
    /// or the leadership fence closes. A stop drains in-flight reconciles (bounded by
    /// <see cref="ControllerOptions.ShutdownTimeout"/>); lost leadership has cancelled them already.</summary>
    Task RunAsync(CancellationToken ct);
}
