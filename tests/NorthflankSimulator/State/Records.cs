using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

internal enum DeploymentReason
{
    Deploying,
    Scaling,
}

internal enum DeploymentPhase
{
    Pending,
    InProgress,
    Completed,
    Failed,
}

/// <summary>One deployment of a service: when it started, why, and whether it is doomed (and why).</summary>
internal sealed record Rollout(DateTimeOffset StartedAt, DeploymentReason Reason, string? FailureMessage);

/// <summary>What one deployment started with: why, how many instances, and which volumes were attached (ids).</summary>
internal sealed record DeploymentRecord(int Number, DeploymentReason Reason, DateTimeOffset StartedAt, int Instances, IReadOnlyList<string> Volumes)
{
    /// <summary>Why this deployment ends FAILED; null when it completes (its containers' log lines need it later).</summary>
    public string? FailureMessage { get; init; }
}

internal sealed record PortRecord(string Id, string Name, int InternalPort, string Protocol, bool Public);

internal sealed record DockerSettings(string ConfigType, string? CustomEntrypoint, string? CustomCommand);

internal sealed class ProjectRecord
{
    /// <summary>The slug of <see cref="Name"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The display name as given (create-or-update keeps the latest).</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }
    public string? Color { get; set; }

    /// <summary>The per-project part of public port DNS names, random but stable for the project's life.</summary>
    public required string DnsId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public SortedDictionary<string, ServiceRecord> Services { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, VolumeRecord> Volumes { get; } = new(StringComparer.Ordinal);
}

internal sealed class ServiceRecord
{
    public required string ProjectId { get; init; }

    /// <summary>The slug of <see cref="Name"/>: what paths, appId and DNS names use.</summary>
    public required string Id { get; init; }

    /// <summary>The display name as given; a PUT matching by derived id keeps the latest.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public required string Plan { get; set; }

    /// <summary>Running instances: 0 while paused.</summary>
    public int Instances { get; set; }

    public bool Paused { get; set; }

    /// <summary>What resume restores when it is given no instance count.</summary>
    public int InstancesBeforePause { get; set; }

    public required string ImagePath { get; set; }
    public string? Credentials { get; set; }
    public DockerSettings Docker { get; set; } = new("default", null, null);
    public int? EphemeralStorageSize { get; set; }
    public JsonNode? Metadata { get; set; }
    public List<PortRecord> Ports { get; set; } = [];
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required Rollout Rollout { get; set; }
    public int DeploymentCount { get; set; } = 1;

    /// <summary>Every deployment since creation, the first included, in order (for the inspection snapshot).</summary>
    public List<DeploymentRecord> Deployments { get; } = [];

    /// <summary>createOptions as given on creation, echoed by write answers.</summary>
    public List<string>? VolumesToAttach { get; init; }

    public int? ExpirySeconds { get; init; }

    /// <summary>When the service expires (creation + createOptions.expiryTime); null when it never does.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>True once the expiry's pause has been applied (see SimulatorStore.Expiry).</summary>
    public bool ExpiryApplied { get; set; }

    /// <summary>The instance count the RWO rule cares about: what runs, or what resume would bring back.</summary>
    public int IntendedInstances => Paused ? InstancesBeforePause : Instances;
}

internal sealed class VolumeRecord
{
    public required string ProjectId { get; init; }

    /// <summary>The slug of <see cref="Name"/>.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }
    public List<string> Tags { get; set; } = [];
    public List<(string ContainerMountPath, string? VolumeMountPath)> Mounts { get; set; } = [];
    public required string AccessMode { get; init; }
    public string StorageClassName { get; set; } = "ssd";
    public int StorageSize { get; set; }
    public List<string> AttachedServices { get; } = [];
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsReadWriteOnce => AccessMode == "ReadWriteOnce";
}
