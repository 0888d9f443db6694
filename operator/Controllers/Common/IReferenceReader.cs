using k8s.Models;

namespace SandboxOperator.Controllers.Common;

/// <summary>
/// Reads Secrets and ConfigMaps that a Sandbox references; the host reads each from the API server when first needed
/// and keeps it while it is unchanged. Objects may be shared: never modify them.
/// </summary>
public interface IReferenceReader
{
    Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct);

    Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct);
}
