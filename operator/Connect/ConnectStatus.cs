using System.Text.Json.Nodes;

namespace SandboxOperator.Connect;

/// <summary>
/// The <c>metav1.Status</c> documents the connect API answers: on the error channel at the end of an exec (as pod exec
/// writes them, so clients read the exit code the way they already do), and as the body of an HTTP refusal.
/// </summary>
public static class ConnectStatus
{
    /// <summary>The reason and cause type clients look for to find a command's exit code.</summary>
    public const string NonZeroExitCode = "NonZeroExitCode";

    public const string ExitCodeCause = "ExitCode";

    /// <summary>The error channel's message for how a command ended on Northflank.</summary>
    public static string OfCompletion(int? exitCode, string? status, string? message) => exitCode switch
    {
        0 when status is null or "Success" => Success(),
        0 => Failure(message ?? $"the command ended with status {status}"),
        { } code => ExitCode(code),
        null => Failure(message ?? "the command ended without an exit code"),
    };

    public static string Success() => new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }.ToJsonString();

    public static string ExitCode(int code) => new JsonObject
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"command terminated with non-zero exit code: {code}",
        ["reason"] = NonZeroExitCode,
        ["details"] = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = ExitCodeCause, ["message"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        },
    }.ToJsonString();

    /// <summary>Any other end: the session failed, not the command; no exit code cause, so no client mistakes it for one.</summary>
    public static string Failure(string message) => new JsonObject
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
    }.ToJsonString();

    /// <summary>An HTTP answer's body, as the API server writes one (kind Status, its code and reason).</summary>
    public static string Http(int code, string reason, string message) => new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    }.ToJsonString();
}

/// <summary>
/// A request the connect API refuses before anything is streamed: the HTTP code, the Status reason and a message safe
/// to show to the user (never a token); <see cref="RetryAfter"/> for a throttled token.
/// </summary>
public sealed class ConnectRefusedException(int code, string reason, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static ConnectRefusedException BadRequest(string message) => new(400, "BadRequest", message);

    public static ConnectRefusedException Conflict(string reason, string message) => new(409, reason, message);
}
