using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

/// <summary>An API error that becomes <c>{"error": {"status", "message", "id", "details"}}</c>.</summary>
internal sealed class ApiException(int status, string errorId, string message, JsonNode? details = null) : Exception(message)
{
    public int Status { get; } = status;
    public string ErrorId { get; } = errorId;
    public JsonNode? Details { get; } = details;

    public static ApiException BadRequest(string field, string message) =>
        new(400, "validation-failed", $"{field}: {message}", new JsonObject { ["field"] = field });

    public static ApiException Unauthorized(string message) => new(401, "unauthenticated", message);

    public static ApiException Forbidden(string message) => new(403, "forbidden", message);

    public static ApiException NotFound(string kind, string id) => new(404, "not-found", $"{kind} '{id}' not found");

    public static ApiException Conflict(string message) => new(409, "conflict", message);
}
