namespace NorthflankSimulator.Inspection;

public sealed record SimulatorStateSnapshot(
    IReadOnlyList<ProjectSnapshot> Projects,
    IReadOnlyList<ServiceSnapshot> Services,
    IReadOnlyList<VolumeSnapshot> Volumes)
{
    /// <summary>
    /// Every service deleted since the start or the last reset, in the order they were removed, however they went (DELETE, its project's
    /// delete, expiry). A deleted service leaves <see cref="Services"/> without a trace, and benchmarks measure from
    /// this moment how soon the operator lets its Sandbox go. An init property so positional uses keep compiling.
    /// </summary>
    public IReadOnlyList<DeletedServiceSnapshot> DeletedServices { get; init; } = [];
}

public sealed record ProjectSnapshot(string Id, string? Description, string DnsId, DateTimeOffset CreatedAt)
{
    /// <summary>The display name; <see cref="Id"/> is its slug.</summary>
    public string Name { get; init; } = "";
}

/// <summary>A service as the simulator holds it. Environment variables appear by name only, never by value.</summary>
public sealed record ServiceSnapshot(
    string ProjectId,
    string Id,
    string Status,
    string Reason,
    string? FailureMessage,
    bool Paused,
    int Instances,
    string ImagePath,
    string DeploymentPlan,
    IReadOnlyList<string> Tags,
    IReadOnlyList<PortSnapshot> Ports,
    IReadOnlyList<string> EnvironmentNames,
    IReadOnlyList<string> Volumes,
    int DeploymentCount)
{
    /// <summary>
    /// When the current deployment reached COMPLETED or FAILED; null while it is PENDING or IN_PROGRESS. Benchmarks
    /// measure from it how soon the operator reports Ready after Northflank finished. An init property rather than a
    /// constructor parameter so existing positional uses keep compiling.
    /// </summary>
    public DateTimeOffset? DeploymentFinishedAt { get; init; }

    /// <summary>The display name as given; <see cref="Id"/> is its slug ("Example Service" has id "example-service").</summary>
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>Null when the service was created without createOptions.expiryTime.</summary>
    public ServiceExpirySnapshot? Expiry { get; init; }

    /// <summary>What GET .../containers lists now: one per running instance.</summary>
    public IReadOnlyList<ContainerSnapshot> Containers { get; init; } = [];

    /// <summary>
    /// Every deployment since creation, in order, each with the instances and the volumes (ids) it started with: a
    /// test can tell that the first one already had the volume, and that nothing ran without it.
    /// </summary>
    public IReadOnlyList<DeploymentSnapshot> Deployments { get; init; } = [];
}

/// <summary>
/// A service that is gone: from <see cref="DeletedAt"/> on, every read of it answers 404. An id can appear more than
/// once when a service was created again under the same name.
/// </summary>
public sealed record DeletedServiceSnapshot(string ProjectId, string Id, DateTimeOffset DeletedAt);

/// <summary>
/// A service's expiry as the write answers show it: <see cref="ExpiryTime"/> until it expires, then
/// <see cref="ExpiredAt"/> (it was paused) and <see cref="ScheduledDeletion"/> (when it and its volumes go).
/// </summary>
public sealed record ServiceExpirySnapshot(DateTimeOffset? ExpiryTime, DateTimeOffset? ExpiredAt, DateTimeOffset? ScheduledDeletion);

/// <summary>One container (status TASK_STAGING, TASK_STARTING, TASK_RUNNING or TASK_FAILED).</summary>
public sealed record ContainerSnapshot(string Name, string Status);

/// <summary>One deployment: its number (1 = the creation's), reason (DEPLOYING or SCALING), start, instances and attached volume ids.</summary>
public sealed record DeploymentSnapshot(int Number, string Reason, DateTimeOffset StartedAt, int Instances, IReadOnlyList<string> Volumes);

public sealed record PortSnapshot(string Id, string Name, int InternalPort, string Protocol, bool Public, string? Dns);

public sealed record VolumeSnapshot(
    string ProjectId,
    string Id,
    string AccessMode,
    int StorageSize,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> AttachedServices)
{
    /// <summary>The display name; <see cref="Id"/> is its slug.</summary>
    public string Name { get; init; } = "";
}

/// <summary>
/// One /v1 request. <see cref="Route"/> is the method's route template (e.g. <c>/v1/projects/{projectId}/services</c>),
/// <see cref="Status"/> 0 for a dropped connection, <see cref="Fault"/> names an injected fault, and the token shows
/// only as a fingerprint (first 12 hex digits of its SHA-256). Never a body, a token or an environment value.
/// </summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Method,
    string Path,
    string? Route,
    int Status,
    string? TokenFingerprint,
    string? Fault)
{
    /// <summary>The error answer's <c>error.id</c> (e.g. <c>validation-failed</c>, <c>conflict</c>); null on success.</summary>
    public string? ErrorId { get; init; }

    /// <summary>The error answer's <c>details.field</c> (e.g. <c>tags[0]</c>), so a test can find 400s it did not provoke.</summary>
    public string? ErrorField { get; init; }

    /// <summary>True for an endpoint the reference deprecates (POST .../scale, GET and POST .../ports).</summary>
    public bool Deprecated { get; init; }

    /// <summary>
    /// The service id a create (POST or PUT .../services/deployment) names, the slug of its body's name, whether it
    /// succeeded or not; null for other requests. Lets a test count creates per service, a path alone cannot tell.
    /// </summary>
    public string? Subject { get; init; }
}
