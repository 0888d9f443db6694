using System.Net;

namespace SandboxOperator.Northflank;

/// <summary>
/// A Northflank call that did not succeed: the HTTP status and Northflank's own error message, never the token
/// or a request body (which can hold secret environment values).
/// </summary>
public sealed class NorthflankApiException : Exception
{
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

    /// <summary>Worth retrying unchanged: no answer, 408, 429 or a 5xx. Everything else needs a change of input.</summary>
    public bool IsTransient => Status is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)Status >= 500;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    public bool IsConflict => Status == HttpStatusCode.Conflict;
}
