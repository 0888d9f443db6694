namespace SandboxOperator.Northflank.Wire;

/// <summary>
/// What one token's requests pass before they are sent, and what it is told of how each went: the flow control (the
/// token's request budget and circuit, in <c>Northflank.FlowControl</c>) as the wire client sees it. The client knows
/// when it sends and what came back; how much may go out, in which order, and whether Northflank is down for the token
/// is the gate's. One gate per token, shared by every caller of it; thread-safe.
/// </summary>
public interface IRequestGate
{
    /// <summary>Time between two calls while the token is paced; null while calls go freely (see <see cref="INorthflankApi.PacedInterval"/>).</summary>
    TimeSpan? PacedInterval { get; }

    /// <summary>False while Northflank is known not to answer the token: a call that got no answer then fails at once rather than retrying in place.</summary>
    bool RetriesInPlace { get; }

    /// <summary>
    /// Waits until one attempt of <paramref name="priority"/> may go out and returns how long it waited; or throws a
    /// throttled <see cref="NorthflankApiException"/> (error id <see cref="NorthflankApiException.DeferredErrorId"/>)
    /// saying when the caller would be served, when it may not wait that long. Every attempt, retries included.
    /// </summary>
    ValueTask<TimeSpan> EnterAsync(RequestPriority priority, CancellationToken ct);

    /// <summary>Northflank's rate-limit headers on an answer: <paramref name="remaining"/> of <paramref name="limit"/> until <paramref name="resetAt"/>.</summary>
    void RateLimitSaid(int remaining, DateTimeOffset? resetAt, int? limit);

    /// <summary>Northflank answered 429 (with its Retry-After, if any): when the caller of <paramref name="priority"/> will be served instead.</summary>
    Deferral Throttled(TimeSpan? retryAfter, RequestPriority priority);

    /// <summary>A DELETE was answered.</summary>
    void DeleteSent();

    /// <summary>How a call ended, after its retries: answered (<paramref name="failure"/> null or an answer of Northflank's) or not.</summary>
    void Ended(NorthflankApiException? failure);
}

/// <summary>When a caller put off will be served, and how long that is from now.</summary>
public readonly record struct Deferral(TimeSpan? RetryAfter, DateTimeOffset? ServedAt);
