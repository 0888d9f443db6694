using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("The sandbox as it should be on Northflank.")]
public sealed class SandboxSpec : SandboxBlueprint
{
    // What the sandbox runs is the blueprint's (shared with SandboxTemplateSpec); what follows is the Sandbox's own,
    // which no template gives. The fields after the blueprint's are ordered after them, in the JSON and the CRD alike.
    [JsonPropertyName("projectId")]
    [Description("Northflank project that holds the sandbox's service. Defaults to the operator's configured project. Cannot change once the service exists.")]
    [RegularExpression(NorthflankRules.IdPattern)]
    [MinLength(NorthflankRules.IdMinLength)]
    [MaxLength(NorthflankRules.IdMaxLength)]
    public string? ProjectId { get; set; }

    [JsonPropertyName("templateRef")]
    [Description("A SandboxTemplate in the Sandbox's namespace whose fields the Sandbox takes where it does not set them itself. A change of the template re-applies the Sandbox.")]
    public TemplateReference? TemplateRef { get; set; }

    /// <summary>The plan of a Sandbox that names none, directly or through its template.</summary>
    public const string DefaultPlan = "nf-compute-20";

    [JsonPropertyName("operatingMode")]
    [JsonPropertyOrder(AfterBlueprint)]
    [Description("Running keeps one instance up; Paused scales it to zero, keeping its volume and configuration (billed for storage only).")]
    [DefaultValue(OperatingModes.Running)]
    [AllowedValues(OperatingModes.Running, OperatingModes.Paused)]
    public string OperatingMode { get; set; } = OperatingModes.Running;

    [JsonPropertyName("deletionPolicy")]
    [JsonPropertyOrder(AfterBlueprint)]
    [Description("What happens on Northflank when the Sandbox is deleted: Delete removes the service and its volume; Orphan leaves them. Unset: Delete, except for a service adopted with the external-name annotation, which is left (Orphan) unless this says Delete.")]
    [AllowedValues(DeletionPolicies.Delete, DeletionPolicies.Orphan)]
    public string? DeletionPolicy { get; set; }

    [JsonPropertyName("credentialsSecretRef")]
    [JsonPropertyOrder(AfterBlueprint)]
    [Description("Deprecated: use a NorthflankConfig. A Secret in the Sandbox's namespace holding the Northflank API token to use instead of its config's; the config's policy (projects, plans, adoption) still applies.")]
    public SecretKeySelector? CredentialsSecretRef { get; set; }

    /// <summary>Fields of a derived type come before the base type's unless ordered (System.Text.Json's rule, which the CRD generator follows).</summary>
    private const int AfterBlueprint = 1;

    /// <summary>A copy whose lists and objects are this spec's own (not copied): for a merge that replaces whole fields.</summary>
    public SandboxSpec ShallowCopy() => (SandboxSpec)MemberwiseClone();
}

public static class OperatingModes
{
    public const string Running = "Running";
    public const string Paused = "Paused";
}

public static class DeletionPolicies
{
    public const string Delete = "Delete";
    public const string Orphan = "Orphan";
}

[Description("A Northflank config by kind and name.")]
public sealed class ConfigReference
{
    [JsonPropertyName("kind")]
    [Description("NorthflankConfig (in the Sandbox's namespace) or ClusterNorthflankConfig.")]
    [DefaultValue(ClusterNorthflankConfig.EntityKind)]
    [AllowedValues(NorthflankConfig.EntityKind, ClusterNorthflankConfig.EntityKind)]
    public string Kind { get; set; } = ClusterNorthflankConfig.EntityKind;

    [JsonPropertyName("name")]
    [Description("Name of the config.")]
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [MaxLength(253)]
    public string Name { get; set; } = "";
}

