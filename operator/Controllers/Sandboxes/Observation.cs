using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What Northflank holds under a Sandbox's names right now, and whether the Sandbox may act on it. Null members do not
/// exist there.
/// </summary>
public sealed record Observation(ServiceDetails? Service, VolumeDetails? Volume)
{
    public static Observation Nothing { get; } = new(null, null);

    /// <summary>True when the service was read whole (GET or a write's answer), not from its project's list.</summary>
    public bool Full { get; init; }

    /// <summary>Whose the service under the Sandbox's name is (<see cref="Ownership.Absent"/> when there is none).</summary>
    public Ownership Owner { get; init; }

    /// <summary>A volume under the Sandbox's volume name that is not attached to the Sandbox's service.</summary>
    public bool VolumeForeign { get; init; }

    /// <summary>For a FAILED deployment: what its containers say (their states, never their logs).</summary>
    public string? FailureDetail { get; init; }
}

public enum Ownership
{
    Absent,

    /// <summary>Carries this Sandbox's ownership marker, or (adopted by annotation) no marker at all.</summary>
    Ours,

    /// <summary>Another Sandbox's, another cluster's, or (not adopted) made outside the operator: never changed or deleted.</summary>
    Foreign,
}

/// <summary>What the containers of a FAILED deployment said, read once per failure (by its transition time).</summary>
public sealed record FailureExplanation(DateTimeOffset? FailedAt, string Containers);
