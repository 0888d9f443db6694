using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

[KubernetesEntity(Group = Sandbox.Group, ApiVersion = Sandbox.Version, Kind = EntityKind, PluralName = Plural)]
[Description("Asks for one Sandbox: a Ready one from a warm pool when there is one (warm), else a new one made from the template (cold). Deleting the claim deletes its Sandbox.")]
public sealed class SandboxClaim : IKubernetesObject<V1ObjectMeta>, ISpec<SandboxClaimSpec>, IStatus<SandboxClaimStatus?>
{
    public const string EntityKind = "SandboxClaim";
    public const string Plural = "sandboxclaims";
    public const string Singular = "sandboxclaim";
    public const string ShortName = "sbxc";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public SandboxClaimSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public SandboxClaimStatus? Status { get; set; }
}

[Description("A list of SandboxClaims.")]
public sealed class SandboxClaimList : IKubernetesObject<V1ListMeta>, IItems<SandboxClaim>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = $"{SandboxClaim.EntityKind}List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<SandboxClaim> Items { get; set; } = [];
}

[Description("Where the claimed Sandbox comes from: exactly one of warmPoolRef and templateRef.")]
[OneOfRequired("warmPoolRef", "templateRef")]
public sealed class SandboxClaimSpec
{
    [JsonPropertyName("warmPoolRef")]
    [Description("A SandboxWarmPool in the claim's namespace: a Ready Sandbox of it is bound at once, else a new one is made from its template.")]
    public PoolReference? WarmPoolRef { get; set; }

    [JsonPropertyName("templateRef")]
    [Description("A SandboxTemplate in the claim's namespace: a new Sandbox is made from it.")]
    public TemplateReference? TemplateRef { get; set; }

    [JsonPropertyName("lifecycle")]
    [Description("When the claimed Sandbox ends; shutdownAfter counts from the claim's creation. A pooled Sandbox whose template has its own lifecycle cannot take this one: the claim then gets a new Sandbox.")]
    public SandboxLifecycle? Lifecycle { get; set; }

    [JsonPropertyName("labels")]
    [Description("Labels to put on the claimed Sandbox, as Kubernetes allows them: keys an optional DNS-subdomain prefix (at most 253 characters) and '/', then a name, values empty or a name (a name: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit). The schema checks the values; the operator checks the keys (Ready=False InvalidSpec).")]
    [ValuePattern(KubernetesRules.LabelValuePattern, MaxLength = KubernetesRules.LabelValueMaxLength)]
    public IDictionary<string, string>? Labels { get; set; }
}

[Description("A SandboxWarmPool in the same namespace, by name.")]
public sealed class PoolReference
{
    [JsonPropertyName("name")]
    [Description("Name of the SandboxWarmPool, in the claim's own namespace.")]
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [MaxLength(253)]
    public string Name { get; set; } = "";
}

public static class LaunchTypes
{
    public const string Warm = "warm";
    public const string Cold = "cold";
}

[Description("The claimed Sandbox and how it was had.")]
public sealed class SandboxClaimStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("sandboxName")]
    [Description("The Sandbox bound to this claim, in its namespace.")]
    public string? SandboxName { get; set; }

    [JsonPropertyName("launchType")]
    [Description("warm: a Ready Sandbox was taken from the pool; cold: a new one was made from the template.")]
    public string? LaunchType { get; set; }

    [JsonPropertyName("url")]
    [Description("The Sandbox's URL (its first public port).")]
    public string? Url { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Ready: mirrored from the Sandbox's, once it describes the Sandbox's current spec; False with the reason why not.")]
    public IList<V1Condition>? Conditions { get; set; }
}
