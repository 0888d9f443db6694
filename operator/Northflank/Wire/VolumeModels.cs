namespace SandboxOperator.Northflank.Wire;

public sealed record VolumeRequest
{
    public required string Name { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public required IReadOnlyList<VolumeMount> Mounts { get; init; }
    public required VolumeSpec Spec { get; init; }
    public IReadOnlyList<AttachedObject>? AttachedObjects { get; init; }
}

public sealed record VolumeMount
{
    public required string ContainerMountPath { get; init; }
    /// <summary>Optional sub-path inside the volume to mount.</summary>
    public string? VolumeMountPath { get; init; }
}

public sealed record VolumeSpec
{
    /// <summary>ReadWriteOnce | ReadWriteMany</summary>
    public required string AccessMode { get; init; }
    public string? StorageClassName { get; init; }
    /// <summary>MB.</summary>
    public required int StorageSize { get; init; }
}

public sealed record AttachedObject
{
    public required string Id { get; init; }
    /// <summary>service | job; always "service" for the operator.</summary>
    public string Type { get; init; } = "service";
}

/// <summary>
/// A volume as get, list and create return it. The js-client types no <c>mounts</c> in these results, so
/// <see cref="Mounts"/> is usually null; <see cref="Status"/> is the cluster state (e.g. BOUND).
/// </summary>
public sealed record VolumeDetails
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public IReadOnlyList<VolumeMount>? Mounts { get; init; }
    public VolumeSpec? Spec { get; init; }
    public IReadOnlyList<AttachedObject>? AttachedObjects { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}
