using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Reconciler;

namespace SandboxOperator.Hosting;

/// <summary>
/// Reads referenced Secrets and ConfigMaps straight from the API server: always current, and no cache of every
/// Secret in the cluster kept in the operator's memory just to read a few keys.
/// </summary>
public sealed class KubernetesReferenceReader(IKubernetes kubernetes) : IReferenceReader
{
    public Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct) =>
        NullIfMissing(() => kubernetes.CoreV1.ReadNamespacedSecretAsync(name, namespaceName, cancellationToken: ct));

    public Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct) =>
        NullIfMissing(() => kubernetes.CoreV1.ReadNamespacedConfigMapAsync(name, namespaceName, cancellationToken: ct));

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
