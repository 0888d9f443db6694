using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Configs;

/// <summary>The configs and Sandboxes the informer caches would hold, as lists a test fills.</summary>
public sealed class InMemoryConfigs : INorthflankConfigs, ISandboxDirectory
{
    public List<NorthflankConfig> Namespaced { get; } = [];

    public List<ClusterNorthflankConfig> Cluster { get; } = [];

    public List<Sandbox> Sandboxes { get; } = [];

    NorthflankConfig? INorthflankConfigs.Namespaced(string @namespace, string name) =>
        Namespaced.FirstOrDefault(c => c.Metadata.NamespaceProperty == @namespace && c.Metadata.Name == name);

    ClusterNorthflankConfig? INorthflankConfigs.Cluster(string name) => Cluster.FirstOrDefault(c => c.Metadata.Name == name);

    public bool IsComplete => true;

    public IReadOnlyList<Sandbox> All() => Sandboxes;
}
