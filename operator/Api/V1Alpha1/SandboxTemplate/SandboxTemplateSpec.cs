using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

[Description("The fields a Sandbox made from this template takes when it does not set them itself. Each means what it means on a Sandbox.")]
public sealed class SandboxTemplateSpec
{
    [JsonPropertyName("image")]
    [Description("Container image to run, with a tag or digest, e.g. ghcr.io/acme/agent:1.4 or python:3.12-slim; the registry host is needed for any registry but Docker Hub.")]
    [RegularExpression(NorthflankRules.ImagePathPattern)]
    [MinLength(1)]
    [MaxLength(512)]
    public string? Image { get; set; }

    [JsonPropertyName("imageCredentials")]
    [Description("ID of the Northflank saved registry credentials to pull a private image with; must be one the Sandbox's config allows.")]
    [RegularExpression(NorthflankRules.RegistryCredentialsPattern)]
    [MinLength(3)]
    [MaxLength(39)]
    public string? ImageCredentials { get; set; }

    [JsonPropertyName("command")]
    [Description("Overrides the image's command (CMD).")]
    [MaxLength(4096)]
    public string? Command { get; set; }

    [JsonPropertyName("entrypoint")]
    [Description("Overrides the image's entrypoint (ENTRYPOINT).")]
    [MaxLength(4096)]
    public string? Entrypoint { get; set; }

    [JsonPropertyName("plan")]
    [Description("Northflank deployment plan (CPU and memory), e.g. nf-compute-20.")]
    [RegularExpression(NorthflankRules.PlanPattern)]
    [MinLength(3)]
    [MaxLength(100)]
    public string? Plan { get; set; }

    [JsonPropertyName("env")]
    [Description("Environment variables; a Sandbox's own variable of the same name wins. Secret and ConfigMap keys are read in the Sandbox's namespace.")]
    [MaxLength(200)]
    [ListMapKey("name")]
    public IList<SandboxEnvVar>? Env { get; set; }

    [JsonPropertyName("ephemeralStorageMB")]
    [Description("Size of the container's ephemeral disk in MB.")]
    [Range(NorthflankRules.EphemeralStorageMinMB, NorthflankRules.EphemeralStorageMaxMB)]
    public int? EphemeralStorageMB { get; set; }

    [JsonPropertyName("volume")]
    [Description("A persistent volume mounted into each Sandbox made from the template.")]
    public SandboxVolume? Volume { get; set; }

    [JsonPropertyName("ports")]
    [Description("Ports the container listens on; used when the Sandbox lists none.")]
    [MaxLength(20)]
    [ListMapKey("name")]
    public IList<SandboxPort>? Ports { get; set; }

    [JsonPropertyName("lifecycle")]
    [Description("When a Sandbox made from the template ends, unless it says so itself.")]
    public SandboxLifecycle? Lifecycle { get; set; }

    [JsonPropertyName("configRef")]
    [Description("The Northflank config (token and policy) Sandboxes made from the template use, unless they name one.")]
    public ConfigReference? ConfigRef { get; set; }

    [JsonPropertyName("tags")]
    [Description("Northflank resource tags; used when the Sandbox lists none.")]
    [MaxLength(20)]
    [ItemPattern(NorthflankRules.TagPattern, MinLength = 3, MaxLength = 100)]
    public IList<string>? Tags { get; set; }
}
