using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Reconciler;
using SandboxOperator.Runtime;

namespace SandboxOperator.Hosting;

/// <summary>
/// Reads referenced Secrets and ConfigMaps from the controller's watch caches (which it keeps anyway, to re-sync the
/// Sandboxes that use one when it changes), so a reconcile costs the API server nothing. A miss (cache not synced
/// yet, a namespace outside the watched ones, or a just-created object) is read from the API server.
/// </summary>
public sealed class KubernetesReferenceReader(IKubernetes kubernetes, InformerCache<V1Secret> secrets, InformerCache<V1ConfigMap> configMaps) : IReferenceReader
{
    public Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct) =>
        secrets.TryGet(namespaceName, name, out var cached)
            ? Task.FromResult<V1Secret?>(cached)
            : NullIfMissing(() => kubernetes.CoreV1.ReadNamespacedSecretAsync(name, namespaceName, cancellationToken: ct));

    public Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct) =>
        configMaps.TryGet(namespaceName, name, out var cached)
            ? Task.FromResult<V1ConfigMap?>(cached)
            : NullIfMissing(() => kubernetes.CoreV1.ReadNamespacedConfigMapAsync(name, namespaceName, cancellationToken: ct));

    private static async Task<T?> NullIfMissing<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
