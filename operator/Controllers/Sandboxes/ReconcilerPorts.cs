using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes;

// What the reconciler needs from the cluster, implemented by the host over the controller runtime. Keeping these
// as interfaces lets the reconciler be tested without an API server and keeps it free of the runtime.

/// <summary>Writes the status subresource; a conflict surfaces as an exception and the reconcile is retried.</summary>
public interface ISandboxStatusWriter
{
    /// <summary>
    /// Replaces the whole status, only if the Sandbox still has <paramref name="sandbox"/>'s resourceVersion: a
    /// Sandbox changed since it was read (or written by someone else) is a conflict, thrown, never overwritten.
    /// </summary>
    /// <returns>The resourceVersion the Sandbox has after the write.</returns>
    Task<string?> WriteStatusAsync(Sandbox sandbox, SandboxStatus status, CancellationToken ct);

    /// <summary>Deletes the Sandbox object itself (expiry with shutdownPolicy Delete).</summary>
    Task DeleteSandboxAsync(Sandbox sandbox, CancellationToken ct);
}

/// <summary>Kubernetes Events on the Sandbox. Messages must never hold secret values.</summary>
public interface ISandboxEventSink
{
    void Normal(Sandbox sandbox, string reason, string message);

    void Warning(Sandbox sandbox, string reason, string message);
}
