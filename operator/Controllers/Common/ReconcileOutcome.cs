namespace SandboxOperator.Controllers.Common;

/// <summary>
/// What every reconciler asks of the runtime after a reconcile: nothing until something changes, a look again after a
/// while, or a back-off from an error (at least as long as the error asked). Pure code cannot name the runtime's own
/// result; the one mapping to it is in <c>Controllers.Common.Setup.Outcomes</c>.
/// </summary>
public record ReconcileOutcome
{
    /// <summary>Null: only when something changes.</summary>
    public TimeSpan? RequeueAfter { get; init; }

    /// <summary>Set: the reconcile failed; the work queue backs off.</summary>
    public Exception? Error { get; init; }

    /// <summary>A lower bound on that back-off (e.g. a 429's Retry-After).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Nothing to do until something changes (a watch event brings the object back).</summary>
    public static ReconcileOutcome Done { get; } = new();

    /// <summary>Look again after <paramref name="after"/> (a time already past is now).</summary>
    public static ReconcileOutcome After(TimeSpan after) => new() { RequeueAfter = NotNegative(after) };

    public static ReconcileOutcome Failed(Exception error, TimeSpan? retryAfter = null) => new() { Error = error, RetryAfter = retryAfter };

    protected static TimeSpan NotNegative(TimeSpan after) => after < TimeSpan.Zero ? TimeSpan.Zero : after;
}
