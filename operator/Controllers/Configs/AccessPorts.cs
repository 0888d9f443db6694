using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Configs;

// What access resolution needs from the cluster, implemented by the host over the controller runtime's caches.

/// <summary>Reads Northflank configs (from the watch caches the operator keeps to re-sync Sandboxes when one changes).</summary>
public interface INorthflankConfigs
{
    NorthflankConfig? Namespaced(string @namespace, string name);

    ClusterNorthflankConfig? Cluster(string name);
}

/// <summary>The Sandboxes the operator knows of, for limits that count them.</summary>
public interface ISandboxDirectory
{
    /// <summary>False until the cache has listed every Sandbox: before that, a Sandbox's absence proves nothing.</summary>
    bool IsComplete { get; }

    IReadOnlyList<Sandbox> All();
}
