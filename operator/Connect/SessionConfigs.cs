using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Connect;

/// <summary>Reads the one Northflank config a session goes through, as it is now (a view that holds it or nothing).</summary>
public interface IConfigSource
{
    Task<INorthflankConfigs> ReadAsync(ConfigKey key, CancellationToken ct);
}

/// <summary>
/// The access policy of a session, judged by the same <see cref="AccessResolver"/> rules as a reconcile, but over the
/// config read from the API server for this session, not over the controllers' watch caches: those are filled only on
/// the leader, and any replica behind the connect Service may get the session (a standby answered 409 "not found"
/// before). A config just changed (a project no longer allowed) counts at once, too. One GET per session.
/// </summary>
public sealed class SessionConfigs(IConfigSource source, AccessOptions options)
{
    public async Task<NorthflankAccess> ResolveAsync(ConfigKey key, string sandboxNamespace, CancellationToken ct)
    {
        var view = key == ConfigKey.Implicit ? Empty.Instance : await source.ReadAsync(key, ct);
        return new AccessResolver(view, options).Resolve(key, sandboxNamespace);
    }

    private sealed class Empty : INorthflankConfigs
    {
        public static readonly Empty Instance = new();

        public NorthflankConfig? Namespaced(string @namespace, string name) => null;

        public ClusterNorthflankConfig? Cluster(string name) => null;
    }
}

/// <summary>
/// Configs from the API server. A ClusterNorthflankConfig counts only if the operator's cluster-config selector picks
/// it, exactly as its watch would (the API server applies the selector: a list by name and selector).
/// </summary>
public sealed class KubernetesConfigSource(IKubernetes kubernetes, string? clusterConfigSelector) : IConfigSource
{
    public async Task<INorthflankConfigs> ReadAsync(ConfigKey key, CancellationToken ct)
    {
        if (key.Kind == NorthflankConfig.EntityKind && key.Namespace is { } ns)
        {
            return new OneConfig(await GetNamespacedAsync(ns, key.Name, ct), null);
        }

        if (key.Kind != ClusterNorthflankConfig.EntityKind)
        {
            return new OneConfig(null, null);
        }

        var list = await kubernetes.CustomObjects.ListClusterCustomObjectAsync(
            Sandbox.Group, Sandbox.Version, ClusterNorthflankConfig.Plural,
            fieldSelector: $"metadata.name={key.Name}",
            labelSelector: string.IsNullOrWhiteSpace(clusterConfigSelector) ? null : clusterConfigSelector,
            cancellationToken: ct);
        var configs = Deserialize<CustomObjectList<ClusterNorthflankConfig>>(list);
        return new OneConfig(null, configs?.Items?.FirstOrDefault(c => c.Metadata.Name == key.Name));
    }

    private async Task<NorthflankConfig?> GetNamespacedAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            return Deserialize<NorthflankConfig>(await kubernetes.CustomObjects.GetNamespacedCustomObjectAsync(
                Sandbox.Group, Sandbox.Version, ns, NorthflankConfig.Plural, name, ct));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static T? Deserialize<T>(object found) =>
        KubernetesJson.Deserialize<T>(found is JsonElement json ? json.GetRawText() : KubernetesJson.Serialize(found));

    private sealed class CustomObjectList<T>
    {
        [System.Text.Json.Serialization.JsonPropertyName("items")]
        public List<T>? Items { get; set; }
    }

    private sealed record OneConfig(NorthflankConfig? NamespacedConfig, ClusterNorthflankConfig? ClusterConfig) : INorthflankConfigs
    {
        public NorthflankConfig? Namespaced(string @namespace, string name) =>
            NamespacedConfig is { } c && c.Metadata.Name == name && c.Metadata.NamespaceProperty == @namespace ? c : null;

        public ClusterNorthflankConfig? Cluster(string name) => ClusterConfig is { } c && c.Metadata.Name == name ? c : null;
    }
}
