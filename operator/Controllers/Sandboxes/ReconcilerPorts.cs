using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Reconciler;

// What the reconciler needs from the cluster, implemented by the host over the controller runtime. Keeping these
// as interfaces lets the reconciler be tested without an API server and keeps it free of the runtime.

/// <summary>
/// Reads Secrets and ConfigMaps that a Sandbox references; the host reads each from the API server when first needed
/// and keeps it while it is unchanged. Objects may be shared: never modify them.
/// </summary>
public interface IReferenceReader
{
    Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct);

    Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct);
}

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
