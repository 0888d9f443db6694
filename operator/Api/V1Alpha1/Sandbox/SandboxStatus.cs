using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace SandboxOperator.Api.V1Alpha1;

[Description("What the operator last observed on Northflank.")]
public sealed class SandboxStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The spec generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    [Description("Ready: the sandbox on Northflank matches this generation's spec and is running (or paused, as asked). Synced: the last reconcile applied the spec.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("projectId")]
    [Description("Northflank project that holds the service.")]
    public string? ProjectId { get; set; }

    [JsonPropertyName("serviceId")]
    [Description("Id of the Northflank deployment service.")]
    public string? ServiceId { get; set; }

    [JsonPropertyName("config")]
    [Description("The config whose token and projects the service was last applied with. A delete goes only through this config, to status.projectId, whatever spec.configRef says by then.")]
    public AppliedConfig? Config { get; set; }

    [JsonPropertyName("volumeId")]
    [Description("Id of the Northflank volume, when spec.volume is set.")]
    public string? VolumeId { get; set; }

    [JsonPropertyName("deploymentStatus")]
    [Description("Northflank's deployment status: PENDING, IN_PROGRESS, COMPLETED or FAILED.")]
    public string? DeploymentStatus { get; set; }

    [JsonPropertyName("operatingMode")]
    [Description("Running or Paused, as last observed on Northflank.")]
    public string? OperatingMode { get; set; }

    [JsonPropertyName("endpoints")]
    [Description("The sandbox's ports, with a URL for each public one.")]
    public IList<SandboxEndpoint>? Endpoints { get; set; }

    [JsonPropertyName("url")]
    [Description("URL of the first public port, for convenience.")]
    public string? Url { get; set; }

    [JsonPropertyName("expiresAt")]
    [Description("When the sandbox ends, from spec.lifecycle.")]
    public DateTimeOffset? ExpiresAt { get; set; }

    [JsonPropertyName("appliedSpecHash")]
    [Description("Fingerprint of the last spec applied to Northflank (referenced Secrets and ConfigMaps count by resourceVersion, never by value).")]
    public string? AppliedSpecHash { get; set; }

    [JsonPropertyName("lastDriftCheck")]
    [Description("When the operator last read the whole Northflank service (rather than its project's list) and compared it with the spec.")]
    public DateTimeOffset? LastDriftCheck { get; set; }
}

[Description("A port of the sandbox as Northflank exposes it.")]
public sealed class SandboxEndpoint
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("port")]
    public int Port { get; set; }

    [JsonPropertyName("protocol")]
    public string Protocol { get; set; } = "";

    [JsonPropertyName("public")]
    public bool Public { get; set; }

    [JsonPropertyName("url")]
    [Description("https:// URL for public HTTP ports, host:port for public TCP/UDP ports; empty for private ports.")]
    public string? Url { get; set; }
}

[Description("A config, as recorded in a Sandbox's status.")]
public sealed class AppliedConfig
{
    [JsonPropertyName("kind")]
    [Description("NorthflankConfig (in the Sandbox's namespace), ClusterNorthflankConfig, or Flags (the operator's --default-project flags).")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
