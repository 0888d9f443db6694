using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

/// <summary>Northflank access for the Sandboxes of its own namespace (a namespaced ProviderConfig, as Crossplane v2 has).</summary>
[KubernetesEntity(Group = Sandbox.Group, ApiVersion = Sandbox.Version, Kind = EntityKind, PluralName = Plural)]
[Description("Northflank access for the Sandboxes of this namespace: an API token from a Secret here, the projects it may use, and limits.")]
public sealed class NorthflankConfig : IKubernetesObject<V1ObjectMeta>, ISpec<NamespacedNorthflankConfigSpec>, IStatus<NorthflankConfigStatus?>
{
    public const string EntityKind = "NorthflankConfig";
    public const string Plural = "northflankconfigs";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public NamespacedNorthflankConfigSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public NorthflankConfigStatus? Status { get; set; }
}

/// <summary>Northflank access a cluster admin offers to the Sandboxes of chosen namespaces.</summary>
[KubernetesEntity(Group = Sandbox.Group, ApiVersion = Sandbox.Version, Kind = EntityKind, PluralName = Plural)]
[Description("Northflank access offered cluster-wide: an API token from a Secret the admin chooses, the projects it may use, which namespaces may use it, and limits.")]
public sealed class ClusterNorthflankConfig : IKubernetesObject<V1ObjectMeta>, ISpec<ClusterNorthflankConfigSpec>, IStatus<NorthflankConfigStatus?>
{
    public const string EntityKind = "ClusterNorthflankConfig";
    public const string Plural = "clusternorthflankconfigs";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ClusterNorthflankConfigSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public NorthflankConfigStatus? Status { get; set; }
}
