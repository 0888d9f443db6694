using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// How one reconcile of a Sandbox ended: the one input of its status (<see cref="SandboxStatusBuilder"/>), of its
/// next look, and of what the runtime does with its finalizer. Each carries the Events it reports.
/// </summary>
public abstract record SandboxOutcome
{
    public IReadOnlyList<SandboxEvent> Events { get; init; } = [];
}

/// <summary>Northflank was brought towards the spec (by <paramref name="Changes"/>, maybe none) and holds <paramref name="Observed"/>.</summary>
public sealed record Applied(DesiredState Desired, Observation Observed, IReadOnlyList<SandboxChange> Changes, ConditionVerdict Ready) : SandboxOutcome;

/// <summary>Only a change (of the spec, a reference, a config or on Northflank) can fix this: Synced=False.</summary>
public sealed record Refused(string Reason, string Message) : SandboxOutcome
{
    /// <summary>The problem says nothing about the service (see <see cref="InvalidInputException.ServiceUnaffected"/>).</summary>
    public bool ServiceUnaffected { get; init; }
}

/// <summary>
/// An unclaimed pooled Sandbox made from another spec of its template: nothing is looked at or changed, its status
/// stays as it is (Ready as its service is), and its pool replaces it.
/// </summary>
public sealed record Held(string Message) : SandboxOutcome;

/// <summary>The Sandbox's token cannot serve it before <paramref name="ServedAt"/>.</summary>
public sealed record Throttled(string Message, DateTimeOffset ServedAt) : SandboxOutcome;

/// <summary>Northflank did not answer; <paramref name="Woken"/> when the token's circuit wakes the Sandbox as it answers again.</summary>
public sealed record Unavailable(string Message, NorthflankApiException Error, bool Woken) : SandboxOutcome;

/// <summary>The token holds its share of the workers: the Sandbox is parked and woken when it has room.</summary>
public sealed record Parked : SandboxOutcome;

/// <summary>
/// Being deleted and waiting: for Northflank to confirm (<paramref name="Blocked"/> null), or for a change without
/// which the delete cannot go on (<paramref name="Blocked"/> is a Synced reason).
/// </summary>
public sealed record Deleting(string Message, string? Blocked = null) : SandboxOutcome;

/// <summary>Nothing of the Sandbox's is left to delete (or may be): its finalizer goes.</summary>
public sealed record Released : SandboxOutcome;

/// <summary>The Sandbox object itself was deleted (expiry under shutdownPolicy Delete).</summary>
public sealed record SandboxDeleted : SandboxOutcome;

/// <summary>A Kubernetes Event on the Sandbox. Messages never hold secret values.</summary>
public sealed record SandboxEvent(bool Warning, string Reason, string Message)
{
    public static SandboxEvent Normal(string reason, string message) => new(false, reason, message);

    public static SandboxEvent Warn(string reason, string message) => new(true, reason, message);
}
