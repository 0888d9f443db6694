using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

internal sealed record PortInput(string? Id, string Name, int InternalPort, bool Public, string Protocol);

/// <summary>A parsed service body; null members were absent (PATCH/PUT leave those untouched).</summary>
internal sealed record ServiceInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public List<string>? Tags { get; init; }
    public string? Plan { get; init; }
    public int? Instances { get; init; }
    public string? ImagePath { get; init; }
    public string? Credentials { get; init; }
    public DockerSettings? Docker { get; init; }
    public int? EphemeralStorageSize { get; init; }
    public JsonNode? Metadata { get; init; }
    public List<PortInput>? Ports { get; init; }
    public Dictionary<string, string>? Environment { get; init; }

    /// <summary>Variables given as null: removed under the Merge reading (RFC 7386), refused otherwise.</summary>
    public List<string>? EnvironmentRemovals { get; init; }
    public List<string>? VolumesToAttach { get; init; }

    /// <summary>createOptions.expiryTime: seconds from creation until the service expires (used on creation only).</summary>
    public int? ExpirySeconds { get; init; }
}

/// <summary>A parsed create-volume body; <see cref="AttachedServices"/> joins attachedObjects and owningObject.</summary>
internal sealed record VolumeInput(
    string Name,
    List<string> Tags,
    List<(string ContainerMountPath, string? VolumeMountPath)> Mounts,
    string AccessMode,
    string? StorageClassName,
    int StorageSize,
    List<string> AttachedServices);
