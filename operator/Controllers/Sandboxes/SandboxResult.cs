using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// A Sandbox reconcile's outcome: what every reconciler says (look again after a while, or back off), and whether the
/// finalizer may go. The runtime removes the finalizer on any success of a deleting Sandbox; <see cref="Released"/>
/// says why it is done, for the tests that follow a delete.
/// </summary>
public sealed record SandboxResult : ReconcileOutcome
{
    /// <summary>The finalizer may go: nothing of the Sandbox's is left on Northflank (or may be).</summary>
    public bool Released { get; init; }

    /// <summary>Northflank did not answer: back off, at least as long as it asked (the token's circuit may wake the Sandbox sooner).</summary>
    public new NorthflankApiException? Error
    {
        get => (NorthflankApiException?)base.Error;
        init
        {
            base.Error = value;
            RetryAfter = value?.RetryAfter;
        }
    }

    public static new SandboxResult After(TimeSpan after) => new() { RequeueAfter = NotNegative(after) };

    public static SandboxResult Idle { get; } = new();
}
