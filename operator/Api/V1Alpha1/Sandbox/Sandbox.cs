using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

[KubernetesEntity(Group = Group, ApiVersion = Version, Kind = EntityKind, PluralName = Plural)]
[Description("A microVM-isolated container on Northflank (a deployment service with its volume and ports), kept in the shape its spec declares.")]
public sealed class Sandbox : IKubernetesObject<V1ObjectMeta>, ISpec<SandboxSpec>, IStatus<SandboxStatus?>
{
    public const string Group = "sandbox.northflank.com";
    public const string Version = "v1alpha1";
    public const string EntityKind = "Sandbox";
    public const string Plural = "sandboxes";
    public const string Singular = "sandbox";
    public const string ShortName = "sbx";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public SandboxSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public SandboxStatus? Status { get; set; }
}

[Description("A list of Sandboxes.")]
public sealed class SandboxList : IKubernetesObject<V1ListMeta>, IItems<Sandbox>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = $"{Sandbox.EntityKind}List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Sandbox> Items { get; set; } = [];
}
