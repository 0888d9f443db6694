using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What the Sandbox controller writes to the cluster, implemented by the host over the controller runtime: an
/// interface, so reconciles can be tested without an API server and the controller stays free of the runtime.
/// </summary>
public interface ISandboxWriter
{
    /// <summary>
    /// Replaces the whole status, only if the Sandbox still has <paramref name="sandbox"/>'s resourceVersion: a
    /// Sandbox changed since it was read (or written by someone else) is a conflict, thrown, never overwritten.
    /// </summary>
    /// <returns>The resourceVersion the Sandbox has after the write.</returns>
    Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct);

    /// <summary>Deletes the Sandbox object itself (expiry with shutdownPolicy Delete).</summary>
    Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct);

    /// <summary>Records a Kubernetes Event on the Sandbox without waiting for it; one that cannot be written is dropped.</summary>
    void Record(Sandbox sandbox, SandboxEvent sandboxEvent);
}
