using System.Text.Json.Serialization;

namespace SandboxOperator.Northflank;

// Wire shapes of Northflank's deployment-service endpoints, named as @northflank/js-client types them.
// Serialized with camelCase names; null members are omitted.

public sealed record DeploymentServiceRequest
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public required BillingSpec Billing { get; init; }
    public required DeploymentSpec Deployment { get; init; }
    public IReadOnlyList<PortRequest>? Ports { get; init; }
    public IReadOnlyDictionary<string, string>? RuntimeEnvironment { get; init; }
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
    public required string ImagePath { get; init; }
    /// <summary>Id of saved registry credentials, for private images (request only).</summary>
    public string? Credentials { get; init; }
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
}

/// <summary>
/// A port in the ports-replace body (POST .../ports). In the create-or-update service body Northflank types no
/// <c>id</c>; leave <see cref="Id"/> null there (nulls are not sent).
/// </summary>
public sealed record PortRequest
{
    /// <summary>Keeps an existing port (and its security settings) when replacing the list.</summary>
    public string? Id { get; init; }
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

/// <summary>A service as GET (and the create-or-update call) returns it: its list item and the rest of its spec.</summary>
public sealed record ServiceDetails : ServiceSummary
{
    public BillingSpec? Billing { get; init; }
    public bool ServicePaused { get; init; }
    public ServiceDeployment? Deployment { get; init; }
    public IReadOnlyList<ServicePort>? Ports { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

public sealed record ServiceDeployment
{
    /// <summary>Optional in Northflank's get-service result; 0 when absent.</summary>
    public int Instances { get; init; }
    public ExternalImage? External { get; init; }
    public DockerSpec? Docker { get; init; }
    public StorageSpec? Storage { get; init; }
}

public sealed record ScaleRequest
{
    public int? Instances { get; init; }
    public string? DeploymentPlan { get; init; }
    public StorageSpec? Storage { get; init; }
}

public static class DeploymentStates
{
    public const string Pending = "PENDING";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
}
