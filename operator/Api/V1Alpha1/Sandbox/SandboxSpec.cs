using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("The sandbox as it should be on Northflank.")]
public sealed class SandboxSpec
{
    [JsonPropertyName("projectId")]
    [Description("Northflank project that holds the sandbox's service. Defaults to the operator's configured project. Cannot change once the service exists.")]
    [RegularExpression(NorthflankRules.IdPattern)]
    [MinLength(NorthflankRules.IdMinLength)]
    [MaxLength(NorthflankRules.IdMaxLength)]
    public string? ProjectId { get; set; }

    [JsonPropertyName("templateRef")]
    [Description("A SandboxTemplate in the Sandbox's namespace whose fields the Sandbox takes where it does not set them itself. A change of the template re-applies the Sandbox.")]
    public TemplateReference? TemplateRef { get; set; }

    [JsonPropertyName("image")]
    [Description("Container image to run, with a tag or digest, e.g. ghcr.io/acme/agent:1.4 or python:3.12-slim; the registry host is needed for any registry but Docker Hub. Required unless the template gives one.")]
    [RegularExpression(NorthflankRules.ImagePathPattern)]
    [MinLength(1)]
    [MaxLength(512)]
    public string? Image { get; set; }

    [JsonPropertyName("imageCredentials")]
    [Description("ID of the Northflank saved registry credentials to pull a private image with (deployment.external.credentials; Northflank's registry credentials under Integrations). Must be one the config allows in imageCredentials. Unset: the template's, else none (a public image).")]
    [RegularExpression(NorthflankRules.RegistryCredentialsPattern)]
    [MinLength(3)]
    [MaxLength(39)]
    public string? ImageCredentials { get; set; }

    [JsonPropertyName("command")]
    [Description("Overrides the image's command (CMD). Passed to Northflank as one string, as its customCommand.")]
    [MaxLength(4096)]
    public string? Command { get; set; }

    [JsonPropertyName("entrypoint")]
    [Description("Overrides the image's entrypoint (ENTRYPOINT). Passed to Northflank as one string, as its customEntrypoint.")]
    [MaxLength(4096)]
    public string? Entrypoint { get; set; }

    [JsonPropertyName("plan")]
    [Description("Northflank deployment plan (CPU and memory), e.g. nf-compute-10, nf-compute-20, nf-compute-50. Unset: the template's, else nf-compute-20.")]
    [RegularExpression(NorthflankRules.PlanPattern)]
    [MinLength(3)]
    [MaxLength(100)]
    public string? Plan { get; set; }

    /// <summary>The plan of a Sandbox that names none, directly or through its template.</summary>
    public const string DefaultPlan = "nf-compute-20";

    [JsonPropertyName("operatingMode")]
    [Description("Running keeps one instance up; Paused scales it to zero, keeping its volume and configuration (billed for storage only).")]
    [DefaultValue(OperatingModes.Running)]
    [AllowedValues(OperatingModes.Running, OperatingModes.Paused)]
    public string OperatingMode { get; set; } = OperatingModes.Running;

    [JsonPropertyName("env")]
    [Description("Environment variables, given literally or read from a Secret or ConfigMap key in the Sandbox's namespace, as in a Pod. Sent to Northflank as the service's runtime environment.")]
    [MaxLength(200)]
    [ListMapKey("name")]
    public IList<SandboxEnvVar>? Env { get; set; }

    [JsonPropertyName("ephemeralStorageMB")]
    [Description("Size of the container's ephemeral disk in MB. Northflank's default when unset.")]
    [Range(NorthflankRules.EphemeralStorageMinMB, NorthflankRules.EphemeralStorageMaxMB)]
    public int? EphemeralStorageMB { get; set; }

    [JsonPropertyName("volume")]
    [Description("A persistent volume mounted into the sandbox. Cannot be added, removed or changed once created.")]
    public SandboxVolume? Volume { get; set; }

    [JsonPropertyName("ports")]
    [Description("Ports the container listens on. Public ports get a URL in status.endpoints.")]
    [MaxLength(20)]
    [ListMapKey("name")]
    public IList<SandboxPort>? Ports { get; set; }

    [JsonPropertyName("lifecycle")]
    [Description("When the sandbox ends by itself, and what happens then.")]
    public SandboxLifecycle? Lifecycle { get; set; }

    [JsonPropertyName("deletionPolicy")]
    [Description("What happens on Northflank when the Sandbox is deleted: Delete removes the service and its volume; Orphan leaves them. Unset: Delete, except for a service adopted with the external-name annotation, which is left (Orphan) unless this says Delete.")]
    [AllowedValues(DeletionPolicies.Delete, DeletionPolicies.Orphan)]
    public string? DeletionPolicy { get; set; }

    [JsonPropertyName("configRef")]
    [Description("The Northflank config (token and policy) this Sandbox uses: a NorthflankConfig in its namespace or a ClusterNorthflankConfig that allows its namespace. Unset: the cluster's default config.")]
    public ConfigReference? ConfigRef { get; set; }

    [JsonPropertyName("tags")]
    [Description("Northflank resource tags of your team to put on the service, e.g. one that selects a gVisor or Kata runtime class or spot nodes. Each must already exist in the team.")]
    [MaxLength(20)]
    [ItemPattern(NorthflankRules.TagPattern, MinLength = 3, MaxLength = 100)]
    public IList<string>? Tags { get; set; }

    [JsonPropertyName("credentialsSecretRef")]
    [Description("Deprecated: use a NorthflankConfig. A Secret in the Sandbox's namespace holding the Northflank API token to use instead of its config's; the config's policy (projects, plans, adoption) still applies.")]
    public SecretKeySelector? CredentialsSecretRef { get; set; }
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

