namespace NorthflankSimulator.Inspection;

public sealed record SimulatorStateSnapshot(
    IReadOnlyList<ProjectSnapshot> Projects,
    IReadOnlyList<ServiceSnapshot> Services,
    IReadOnlyList<VolumeSnapshot> Volumes);

public sealed record ProjectSnapshot(string Id, string? Description, string DnsId, DateTimeOffset CreatedAt);

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
}

public sealed record PortSnapshot(string Id, string Name, int InternalPort, string Protocol, bool Public, string? Dns);

public sealed record VolumeSnapshot(
    string ProjectId,
    string Id,
    string AccessMode,
    int StorageSize,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> AttachedServices);

/// <summary>
/// One /v1 request. <see cref="Route"/> is the method's route template (e.g. <c>/v1/projects/{projectId}/services</c>),
/// <see cref="Status"/> 0 for a dropped connection, <see cref="Fault"/> names an injected fault, and the token shows
/// only as a fingerprint (first 12 hex digits of its SHA-256).
/// </summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Method,
    string Path,
    string? Route,
    int Status,
    string? TokenFingerprint,
    string? Fault);
