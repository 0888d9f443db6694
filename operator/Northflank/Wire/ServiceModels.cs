using System.Text.Json.Serialization;

namespace SandboxOperator.Northflank.Wire;

// Wire shapes of Northflank's deployment-service endpoints, named as @northflank/js-client types them.
// Serialized with camelCase names; null members are omitted.

/// <summary>
/// A deployment service's settings: the PATCH body (patch-deployment-service.md), which Northflank applies to the service
/// named in the path. Fields left null are not sent, so they stay as they are.
/// </summary>
public record ServiceSpec
{
    public string? Description { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public required BillingSpec Billing { get; init; }
    public required DeploymentSpec Deployment { get; init; }
    public IReadOnlyList<PortRequest>? Ports { get; init; }
    public IReadOnlyDictionary<string, string>? RuntimeEnvironment { get; init; }
}

/// <summary>The POST body (create-deployment-service.md): the settings plus the name (its slug is the id) and create-only options.</summary>
public sealed record CreateServiceRequest : ServiceSpec
{
    /// <summary>The given settings, to be completed with the name.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public CreateServiceRequest(ServiceSpec settings)
        : base(settings)
    {
        Name = "";
    }

    public required string Name { get; init; }
    public CreateOptions? CreateOptions { get; init; }
}

public sealed record BillingSpec
{
    public required string DeploymentPlan { get; init; }
}

public sealed record DeploymentSpec
{
    public required int Instances { get; init; }
    public required ExternalImage External { get; init; }
    public DockerSpec? Docker { get; init; }
    public StorageSpec? Storage { get; init; }
}

public sealed record ExternalImage
{
    /// <summary>As written: with the registry host. GET service answers it without the host (see <see cref="RegistryProvider"/>).</summary>
    public required string ImagePath { get; init; }
    /// <summary>Id of saved registry credentials, for private images (request only).</summary>
    public string? Credentials { get; init; }
    /// <summary>GET service only: acr, ecr, gar, dockerhub, dhi, github, gitlab, custom or legacy.</summary>
    public string? RegistryProvider { get; init; }
}

public sealed record DockerSpec
{
    /// <summary>default | customEntrypoint | customCommand | customEntrypointCustomCommand</summary>
    public required string ConfigType { get; init; }
    public string? CustomEntrypoint { get; init; }
    public string? CustomCommand { get; init; }
}

public sealed record StorageSpec
{
    public EphemeralStorage? EphemeralStorage { get; init; }
}

public sealed record EphemeralStorage
{
    /// <summary>MB.</summary>
    public required int StorageSize { get; init; }
}

public sealed record CreateOptions
{
    public IReadOnlyList<string>? VolumesToAttach { get; init; }
    /// <summary>Seconds from creation after which Northflank pauses the service and schedules its deletion (300 to 604800).</summary>
    public int? ExpiryTime { get; init; }
}

/// <summary>A port of the create and patch bodies; Northflank keeps a port's identity (and DNS name) by its name.</summary>
public sealed record PortRequest
{
    public required string Name { get; init; }
    public required int InternalPort { get; init; }
    public bool? Public { get; init; }
    /// <summary>HTTP | HTTP/2 | TCP | UDP</summary>
    public required string Protocol { get; init; }
}

public sealed record ServicePort
{
    public string? Id { get; init; }
    public required string Name { get; init; }
    public required int InternalPort { get; init; }
    public required string Protocol { get; init; }
    public bool Public { get; init; }
    public string? Dns { get; init; }
}

public sealed record ServiceStatus
{
    public DeploymentStatus? Deployment { get; init; }
}

public sealed record DeploymentStatus
{
    /// <summary>PENDING | IN_PROGRESS | COMPLETED | FAILED</summary>
    public string? Status { get; init; }
    /// <summary>SCALING | DEPLOYING</summary>
    public string? Reason { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
}

/// <summary>One item of the paged service list: no paused flag, no instance count.</summary>
public record ServiceSummary
{
    public required string Id { get; init; }
    public string? AppId { get; init; }
    public string? ProjectId { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public string? Description { get; init; }
    public string? ServiceType { get; init; }
    public ServiceStatus? Status { get; init; }
}

/// <summary>
/// A service as GET returns it (get-service.md): its list item and the rest of its spec. Create and patch answer a
/// similar shape but without <see cref="ServicePaused"/>, which only GET carries (null when absent: unknown).
/// </summary>
public sealed record ServiceDetails : ServiceSummary
{
    public ServiceDetails()
    {
    }

    /// <summary>What a list item tells of the service; the rest unknown.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public ServiceDetails(ServiceSummary summary)
        : base(summary)
    {
    }

    public BillingSpec? Billing { get; init; }
    public bool? ServicePaused { get; init; }
    public ServiceDeployment? Deployment { get; init; }
    public IReadOnlyList<ServicePort>? Ports { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>
    /// The names of the runtime environment as a create or PATCH answer carries it (patch-deployment-service.md), never
    /// the values (they may be secrets); null where the answer has none (GET, list).
    /// </summary>
    [JsonPropertyName("runtimeEnvironment")]
    [JsonConverter(typeof(NamesOnlyConverter))]
    public IReadOnlyList<string>? RuntimeEnvironmentNames { get; init; }
}

public sealed record ServiceDeployment
{
    /// <summary>Optional in Northflank's get-service result; 0 when absent.</summary>
    public int Instances { get; init; }
    public ExternalImage? External { get; init; }
    public DockerSpec? Docker { get; init; }
    public StorageSpec? Storage { get; init; }
}

/// <summary>One container of a service (list-service-containers.md): its state, never its logs.</summary>
public sealed record ServiceContainer
{
    public required string Name { get; init; }
    /// <summary>TASK_RUNNING, TASK_STARTING, TASK_STAGING, TASK_KILLING, TASK_KILLED, TASK_FAILED or TASK_FINISHED.</summary>
    public required string Status { get; init; }
}

public static class DeploymentStates
{
    public const string Pending = "PENDING";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
}

/// <summary>Why a deployment runs: a change of the service's spec, or of its instances (pause, resume, scale).</summary>
public static class DeploymentReasons
{
    public const string Deploying = "DEPLOYING";
    public const string Scaling = "SCALING";
}
