using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

[KubernetesEntity(Group = Sandbox.Group, ApiVersion = Sandbox.Version, Kind = EntityKind, PluralName = Plural)]
[Description("What Sandboxes made from it run: a Sandbox's spec without its identity. Sandboxes, warm pools and claims in the same namespace name it; fields a Sandbox sets itself win.")]
public sealed class SandboxTemplate : IKubernetesObject<V1ObjectMeta>, ISpec<SandboxTemplateSpec>, IStatus<SandboxTemplateStatus?>
{
    public const string EntityKind = "SandboxTemplate";
    public const string Plural = "sandboxtemplates";
    public const string Singular = "sandboxtemplate";
    public const string ShortName = "sbxt";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public SandboxTemplateSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public SandboxTemplateStatus? Status { get; set; }
}

[Description("A list of SandboxTemplates.")]
public sealed class SandboxTemplateList : IKubernetesObject<V1ListMeta>, IItems<SandboxTemplate>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = $"{SandboxTemplate.EntityKind}List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<SandboxTemplate> Items { get; set; } = [];
}

[Description("A SandboxTemplate in the same namespace, by name.")]
public sealed class TemplateReference
{
    [JsonPropertyName("name")]
    [Description("Name of the SandboxTemplate, in the referring object's own namespace (never another's).")]
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [MaxLength(253)]
    public string Name { get; set; } = "";
}
