using System.Net;

namespace SandboxOperator.Northflank.Wire;

/// <summary>
/// A Northflank call that did not succeed: the HTTP status and Northflank's own error message, never the token
/// or a request body (which can hold secret environment values).
/// </summary>
public sealed class NorthflankApiException : Exception
{
    /// <summary>Error id of a request the token's own gate put off without sending it (see <see cref="IRequestGate.EnterAsync"/>).</summary>
    public const string DeferredErrorId = "budget-deferred";

    public NorthflankApiException(HttpStatusCode? status, string message, string? errorId = null, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        ErrorId = errorId;
        RetryAfter = retryAfter;
    }

    /// <summary>Null when no HTTP answer came back (timeout, connection dropped).</summary>
    public HttpStatusCode? Status { get; }

    public string? ErrorId { get; }

    /// <summary>From a 429's Retry-After header, or the budget's own estimate.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Set when the token is throttled (Northflank's 429, or the budget would have made the caller wait longer than it
    /// may): when the budget expects to serve the caller's next request. The caller should come back then, not wait.
    /// </summary>
    public DateTimeOffset? ServedAt { get; init; }

    /// <summary>Throttled: come back at <see cref="ServedAt"/> rather than back off.</summary>
    public bool IsThrottled => ServedAt is not null;

    /// <summary>Worth retrying unchanged: no answer, 408, 429 or a 5xx. Everything else needs a change of input.</summary>
    public bool IsTransient => Status is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)Status >= 500;

    /// <summary>Northflank did not answer, or answered that it cannot serve anyone right now (no answer, 408, 5xx): an outage, not throttling.</summary>
    public bool IsOutage => IsTransient && Status != HttpStatusCode.TooManyRequests;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    public bool IsConflict => Status == HttpStatusCode.Conflict;
}
