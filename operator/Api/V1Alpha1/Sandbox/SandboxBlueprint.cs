using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SandboxOperator.Api.V1Alpha1;

/// <summary>
/// What a Sandbox runs, without its identity: the fields a <see cref="SandboxSpec"/> and a
/// <see cref="SandboxTemplateSpec"/> share, declared once with their schema rules (patterns, lengths, ranges, list
/// keys), so a Sandbox and its template can never disagree on what a value may be. Both specs derive from it, which
/// keeps their JSON flat (the CRDs have no "blueprint" level). The descriptions are the Sandbox's;
/// <see cref="SandboxTemplateSpec"/> says what each means on a template with <see cref="PropertyDescriptionAttribute"/>.
/// How a template's value fills a Sandbox's is TemplateMerge's (Controllers/Templates).
/// </summary>
/// <remarks>
/// The declaration order is the order of the template's JSON, which its hash (TemplateHash) is taken of: a change of
/// order would show every template as changed. Add a field at the end.
/// </remarks>
public abstract class SandboxBlueprint
{
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

    [JsonPropertyName("configRef")]
    [Description("The Northflank config (token and policy) this Sandbox uses: a NorthflankConfig in its namespace or a ClusterNorthflankConfig that allows its namespace. Unset: the cluster's default config.")]
    public ConfigReference? ConfigRef { get; set; }

    [JsonPropertyName("tags")]
    [Description("Northflank resource tags of your team to put on the service, e.g. one that selects a gVisor or Kata runtime class or spot nodes. Each must already exist in the team.")]
    [MaxLength(20)]
    [ItemPattern(NorthflankRules.TagPattern, MinLength = 3, MaxLength = 100)]
    public IList<string>? Tags { get; set; }
}
