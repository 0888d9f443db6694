using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>What the runtime does after a reconcile: look again after <see cref="RequeueAfter"/>, release the finalizer, or back off.</summary>
public sealed record SandboxResult
{
    /// <summary>Null: only when something changes.</summary>
    public TimeSpan? RequeueAfter { get; init; }

    /// <summary>The finalizer may go: nothing of the Sandbox's is left on Northflank (or may be).</summary>
    public bool Released { get; init; }

    /// <summary>Northflank did not answer: back off (the token's circuit may wake the Sandbox sooner).</summary>
    public NorthflankApiException? Error { get; init; }

    public static SandboxResult After(TimeSpan after) => new() { RequeueAfter = after < TimeSpan.Zero ? TimeSpan.Zero : after };

    public static SandboxResult Idle { get; } = new();
}
