using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Hosting;

/// <summary>
/// Northflank configs and Sandboxes as the Sandbox controller's watch caches hold them: the controller watches both
/// config kinds anyway, to re-sync the Sandboxes that use a config when it changes, so reading them costs nothing.
/// </summary>
public sealed class ConfigDirectory(
    InformerCache<NorthflankConfig> namespaced, InformerCache<ClusterNorthflankConfig> cluster, InformerCache<Sandbox> sandboxes)
    : INorthflankConfigs, ISandboxDirectory
{
    public InformerCache<NorthflankConfig> NamespacedCache => namespaced;

    public InformerCache<ClusterNorthflankConfig> ClusterCache => cluster;

    public InformerCache<Sandbox> SandboxCache => sandboxes;

    public NorthflankConfig? Namespaced(string @namespace, string name) => namespaced.TryGet(@namespace, name, out var config) ? config : null;

    public ClusterNorthflankConfig? Cluster(string name) => cluster.TryGet(null, name, out var config) ? config : null;

    public bool IsComplete => sandboxes.HasSynced;

    public IReadOnlyList<Sandbox> All() => sandboxes.List();
}
