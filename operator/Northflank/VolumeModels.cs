namespace SandboxOperator.Northflank;

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
    /// <summary>Always "service" for the operator.</summary>
    public string Type { get; init; } = "service";
}

public sealed record VolumeDetails
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public IReadOnlyList<VolumeMount>? Mounts { get; init; }
    public VolumeSpec? Spec { get; init; }
    public IReadOnlyList<AttachedObject>? AttachedObjects { get; init; }
}
