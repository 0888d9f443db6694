using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

[KubernetesEntity(Group = Sandbox.Group, ApiVersion = Sandbox.Version, Kind = EntityKind, PluralName = Plural)]
[Description("Keeps a number of unclaimed Sandboxes made from a template ready, so a SandboxClaim gets one at once.")]
public sealed class SandboxWarmPool : IKubernetesObject<V1ObjectMeta>, ISpec<SandboxWarmPoolSpec>, IStatus<SandboxWarmPoolStatus?>
{
    public const string EntityKind = "SandboxWarmPool";
    public const string Plural = "sandboxwarmpools";
    public const string Singular = "sandboxwarmpool";
    public const string ShortName = "sbxwp";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public SandboxWarmPoolSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public SandboxWarmPoolStatus? Status { get; set; }
}

[Description("A list of SandboxWarmPools.")]
public sealed class SandboxWarmPoolList : IKubernetesObject<V1ListMeta>, IItems<SandboxWarmPool>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Sandbox.Group}/{Sandbox.Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = $"{SandboxWarmPool.EntityKind}List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<SandboxWarmPool> Items { get; set; } = [];
}

[Description("How many Sandboxes of which template to keep ready, and how.")]
public sealed class SandboxWarmPoolSpec
{
    [JsonPropertyName("templateRef")]
    [Description("The SandboxTemplate (in the pool's namespace) its Sandboxes are made from. A change of the template replaces unclaimed Sandboxes gradually; claimed ones never.")]
    [Required]
    public TemplateReference TemplateRef { get; set; } = new();

    [JsonPropertyName("replicas")]
    [Description("How many unclaimed Sandboxes to keep. Also set by kubectl scale.")]
    [DefaultValue(1)]
    [Range(0, 1000)]
    public int Replicas { get; set; } = 1;

    [JsonPropertyName("tier")]
    [Description("Running keeps the pooled Sandboxes running (a claim gets one with no Northflank call); Paused keeps them scaled to zero on Northflank (billed for storage only) and resumes one when it is claimed.")]
    [DefaultValue(PoolTiers.Running)]
    [AllowedValues(PoolTiers.Running, PoolTiers.Paused)]
    public string Tier { get; set; } = PoolTiers.Running;

    [JsonPropertyName("maxUnavailable")]
    [Description("When the template changes, at most this many pooled Sandboxes are not Ready at a time while they are replaced.")]
    [DefaultValue(1)]
    [Range(1, 1000)]
    public int MaxUnavailable { get; set; } = 1;
}

public static class PoolTiers
{
    public const string Running = "Running";
    public const string Paused = "Paused";
}

[Description("The pool as last observed.")]
public sealed class SandboxWarmPoolStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The spec generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("replicas")]
    [Description("Unclaimed Sandboxes in the pool, Ready or not.")]
    public int Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    [Description("Unclaimed Sandboxes in the pool that are Ready.")]
    public int ReadyReplicas { get; set; }

    [JsonPropertyName("selector")]
    [Description("Label selector of the pool's unclaimed Sandboxes (for kubectl scale and autoscalers).")]
    public string? Selector { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Ready: as many unclaimed Sandboxes as replicas asks are Ready.")]
    public IList<V1Condition>? Conditions { get; set; }
}
