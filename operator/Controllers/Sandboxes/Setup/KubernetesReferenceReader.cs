using System.Net;
using ControllerRuntime;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// Reads the Secrets and ConfigMaps Sandboxes refer to. The controller watches both by metadata only, so the values of
/// the cluster's other Secrets never enter the operator; a referenced one is read from the API server when a reconcile
/// first needs it and kept while the watch shows it unchanged (same resourceVersion), so reconciling an unchanged
/// Sandbox costs the API server nothing. A copy is dropped when the watch sees its object change or go, and when no
/// Sandbox refers to it any more (the last one deleted, or its spec changed). Objects outside the watched namespaces
/// (the default credentials with <c>--namespaces</c>) are read on each use: nothing would say when they change.
/// </summary>
public sealed class KubernetesReferenceReader : IReferenceReader
{
    private readonly ReadThroughCache<V1Secret> secrets;
    private readonly ReadThroughCache<V1ConfigMap> configMaps;
    private readonly InformerCache<Sandbox> sandboxes;
    private readonly ReferenceIndex index;

    public KubernetesReferenceReader(ReadThroughCache<V1Secret> secrets, ReadThroughCache<V1ConfigMap> configMaps, InformerCache<Sandbox> sandboxes, ReferenceIndex index)
    {
        this.secrets = secrets;
        this.configMaps = configMaps;
        this.sandboxes = sandboxes;
        this.index = index;
        sandboxes.OnChange(OnSandboxChange);
    }

    public Task<V1Secret?> GetSecretAsync(string namespaceName, string name, CancellationToken ct) =>
        secrets.GetAsync(namespaceName, name, ct);

    public Task<V1ConfigMap?> GetConfigMapAsync(string namespaceName, string name, CancellationToken ct) =>
        configMaps.GetAsync(namespaceName, name, ct);

    /// <summary>Referenced Secrets, read with GET and kept as the metadata watch of Secrets allows.</summary>
    public static ReadThroughCache<V1Secret> SecretCache(IKubernetes kubernetes, InformerCache<PartialObjectMetadata<V1Secret>> metadata) =>
        new(metadata, (ns, name, ct) => NullIfMissing(() => kubernetes.CoreV1.ReadNamespacedSecretAsync(name, ns!, cancellationToken: ct)), SecretBytes);

    public static ReadThroughCache<V1ConfigMap> ConfigMapCache(IKubernetes kubernetes, InformerCache<PartialObjectMetadata<V1ConfigMap>> metadata) =>
        new(metadata, (ns, name, ct) => NullIfMissing(() => kubernetes.CoreV1.ReadNamespacedConfigMapAsync(name, ns!, cancellationToken: ct)), ConfigMapBytes);

    /// <summary>A Sandbox gone, or its spec changed: what it referred to may concern no Sandbox now.</summary>
    private void OnSandboxChange(InformerEvent<Sandbox> ev)
    {
        var before = ev.Type switch
        {
            InformerEventType.Deleted => ev.Object,
            InformerEventType.Updated when ev.OldObject?.Metadata.Generation != ev.Object.Metadata.Generation => ev.OldObject,
            _ => null,
        };
        if (before is null || sandboxes.Store is not { } store)
        {
            return;
        }

        foreach (var secret in index.SecretsUsedBy(before))
        {
            if (!index.SandboxesUsingSecret(secret, store).Any())
            {
                secrets.Forget(secret);
            }
        }

        foreach (var configMap in index.ConfigMapsUsedBy(before))
        {
            if (!index.SandboxesUsingConfigMap(configMap, store).Any())
            {
                configMaps.Forget(configMap);
            }
        }
    }

    // Sizes for the caches' bound: values, keys (UTF-16) and about a kilobyte of metadata and bookkeeping.
    private static long SecretBytes(V1Secret secret) =>
        1024 + (secret.Data ?? new Dictionary<string, byte[]>()).Sum(kv => (2L * kv.Key.Length) + (kv.Value?.Length ?? 0));

    private static long ConfigMapBytes(V1ConfigMap configMap) =>
        1024
        + (configMap.Data ?? new Dictionary<string, string>()).Sum(kv => 2L * (kv.Key.Length + (kv.Value?.Length ?? 0)))
        + (configMap.BinaryData ?? new Dictionary<string, byte[]>()).Sum(kv => (2L * kv.Key.Length) + (kv.Value?.Length ?? 0));

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
