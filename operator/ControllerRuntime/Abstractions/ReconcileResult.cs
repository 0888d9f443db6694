namespace ControllerRuntime;

/// <summary>
/// What a reconcile asks of the work queue next, as controller-runtime's Result: nothing, a requeue after a
/// fixed delay (the item's backoff is reset), or a failure (requeued with the item's exponential backoff, never
/// sooner than <see cref="RetryAfter"/>).
/// </summary>
public sealed record ReconcileResult
{
    private ReconcileResult(TimeSpan? requeueAfter, Exception? error, TimeSpan? retryAfter)
    {
        RequeueAfter = requeueAfter;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>Set on success when the entity wants to be looked at again at a known time.</summary>
    public TimeSpan? RequeueAfter { get; }

    public Exception? Error { get; }

    /// <summary>A lower bound on the failure backoff, e.g. from a 429's Retry-After.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool IsSuccess => Error is null;

    /// <summary>Done; nothing to requeue (the next watch event will bring it back).</summary>
    public static ReconcileResult Success() => new(null, null, null);

    public static ReconcileResult Requeue(TimeSpan after) => new(after < TimeSpan.Zero ? TimeSpan.Zero : after, null, null);

    public static ReconcileResult Failure(Exception error, TimeSpan? retryAfter = null) => new(null, error, retryAfter);
}
