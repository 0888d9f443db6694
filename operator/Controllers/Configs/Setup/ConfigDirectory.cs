using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Templates.Setup;

namespace SandboxOperator.Controllers.Configs.Setup;

/// <summary>
/// Northflank configs and Sandboxes as their controllers' watch caches hold them (one watch per kind, which also wakes
/// the Sandboxes that use a config when it changes), so reading them costs nothing.
/// Sandboxes are listed with their template's fields (its configRef counts as theirs: a config's maxSandboxes cannot be
/// got round by naming the config in a template).
/// </summary>
public sealed class ConfigDirectory(
    InformerCache<NorthflankConfig> namespaced, InformerCache<ClusterNorthflankConfig> cluster, InformerCache<Sandbox> sandboxes,
    InformerCache<SandboxTemplate>? templates = null)
    : INorthflankConfigs, ISandboxDirectory
{
    public InformerCache<NorthflankConfig> NamespacedCache => namespaced;

    public InformerCache<ClusterNorthflankConfig> ClusterCache => cluster;

    public InformerCache<Sandbox> SandboxCache => sandboxes;

    public NorthflankConfig? Namespaced(string @namespace, string name) => namespaced.TryGet(@namespace, name, out var config) ? config : null;

    public ClusterNorthflankConfig? Cluster(string name) => cluster.TryGet(null, name, out var config) ? config : null;

    public bool IsComplete => sandboxes.HasSynced;

    public IReadOnlyList<Sandbox> All() =>
        templates is null ? sandboxes.List() : [.. sandboxes.List().Select(s => TemplateDirectory.Effective(s, templates))];
}
