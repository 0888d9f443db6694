using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

/// <summary>What a Northflank config allows: the token to use and the policy Sandboxes on it live under.</summary>
[Description("Northflank access for Sandboxes: the API token, the projects it may use, and what Sandboxes on it may do.")]
public class NorthflankConfigSpec
{
    [JsonPropertyName("projects")]
    [Description("Northflank projects Sandboxes on this config may use (project ids). A Sandbox naming another project is refused without any call to Northflank.")]
    [Required]
    [MinLength(1)]
    [MaxLength(50)]
    [ItemPattern(NorthflankRules.IdPattern, MinLength = NorthflankRules.IdMinLength, MaxLength = NorthflankRules.IdMaxLength)]
    public IList<string> Projects { get; set; } = [];

    [JsonPropertyName("defaultProject")]
    [Description("Project for Sandboxes that name none; the first of projects when unset. Must be one of projects.")]
    [RegularExpression(NorthflankRules.IdPattern)]
    [MinLength(NorthflankRules.IdMinLength)]
    [MaxLength(NorthflankRules.IdMaxLength)]
    public string? DefaultProject { get; set; }

    [JsonPropertyName("adoption")]
    [Description("Whether Sandboxes on this config may take over an existing Northflank service with the sandbox.northflank.com/external-name annotation. A service carrying another Sandbox's or another cluster's ownership marker is never adopted.")]
    [DefaultValue(AdoptionPolicies.Forbidden)]
    [AllowedValues(AdoptionPolicies.Allowed, AdoptionPolicies.Forbidden)]
    public string Adoption { get; set; } = AdoptionPolicies.Forbidden;

    [JsonPropertyName("orphans")]
    [Description("What happens to a service in these projects that carries this cluster's ownership marker for a namespace this config serves but whose Sandbox no longer exists (its finalizer was removed by hand, etcd was restored): Report (an Event on this config and a metric) or Delete (after a grace period, when every config in use on that token and project that serves the namespace says Delete). Another namespace's services are never this config's to judge.")]
    [DefaultValue(OrphanPolicies.Report)]
    [AllowedValues(OrphanPolicies.Report, OrphanPolicies.Delete)]
    public string Orphans { get; set; } = OrphanPolicies.Report;

    [JsonPropertyName("imageCredentials")]
    [Description("IDs of the Northflank saved registry credentials (team/integrations/list-registries) Sandboxes on this config may name in spec.imageCredentials to pull private images. A Sandbox naming any other is refused without any call to Northflank. Unset: none, so only public images.")]
    [MaxLength(50)]
    [ItemPattern(NorthflankRules.RegistryCredentialsPattern, MinLength = 3, MaxLength = 39)]
    public IList<string>? ImageCredentials { get; set; }

    [JsonPropertyName("limits")]
    [Description("Optional limits on the Sandboxes using this config.")]
    public NorthflankConfigLimits? Limits { get; set; }
}

[Description("Limits on the Sandboxes using a config.")]
public sealed class NorthflankConfigLimits
{
    [JsonPropertyName("plans")]
    [Description("Deployment plans Sandboxes may use; any plan when unset.")]
    [MaxLength(50)]
    [ItemPattern(NorthflankRules.PlanPattern, MinLength = 3, MaxLength = 100)]
    public IList<string>? Plans { get; set; }

    [JsonPropertyName("maxSandboxes")]
    [Description("Most Sandboxes that may have a service (or a create on its way) through this config at once; Sandboxes refused before creating hold no place.")]
    [Range(0, 100000)]
    public int? MaxSandboxes { get; set; }
}

/// <summary>The spec of a namespaced config: its token comes from a Secret in its own namespace.</summary>
[Description("Northflank access for the Sandboxes of one namespace.")]
public sealed class NamespacedNorthflankConfigSpec : NorthflankConfigSpec
{
    [JsonPropertyName("credentialsSecretRef")]
    [Description("Secret in this config's namespace holding the Northflank API token.")]
    [Required]
    public SecretKeySelector CredentialsSecretRef { get; set; } = new();
}

/// <summary>The spec of a cluster-wide config: the cluster admin names the Secret and which namespaces may use it.</summary>
[Description("Northflank access a cluster admin offers to the Sandboxes of some or all namespaces.")]
public sealed class ClusterNorthflankConfigSpec : NorthflankConfigSpec
{
    [JsonPropertyName("credentialsSecretRef")]
    [Description("Secret holding the Northflank API token, in a namespace the admin chooses (tenants need no access to it).")]
    [Required]
    public NamespacedSecretKeySelector CredentialsSecretRef { get; set; } = new();

    [JsonPropertyName("namespaces")]
    [Description("Namespaces whose Sandboxes may use this config; every namespace when unset.")]
    [MaxLength(500)]
    [ItemPattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", MinLength = 1, MaxLength = 63)]
    public IList<string>? Namespaces { get; set; }
}

[Description("A key of a Secret in a given namespace.")]
public sealed class NamespacedSecretKeySelector
{
    [JsonPropertyName("namespace")]
    [Description("Namespace of the Secret.")]
    [Required]
    [MinLength(1)]
    [MaxLength(63)]
    public string Namespace { get; set; } = "";

    [JsonPropertyName("name")]
    [Description("Name of the Secret.")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    [Description("Key within the Secret.")]
    [DefaultValue("token")]
    [MinLength(1)]
    [MaxLength(253)]
    public string Key { get; set; } = "token";
}

public static class AdoptionPolicies
{
    public const string Allowed = "Allowed";
    public const string Forbidden = "Forbidden";
}

public static class OrphanPolicies
{
    public const string Report = "Report";
    public const string Delete = "Delete";
}
