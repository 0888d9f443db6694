using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>What Northflank holds for a Sandbox right now; null members do not exist there.</summary>
public sealed record Observation(ServiceDetails? Service, VolumeDetails? Volume)
{
    /// <summary>True when the service was read whole (GET or a write's answer), not from its project's list.</summary>
    public bool Full { get; init; }
}
