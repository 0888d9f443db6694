using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>Reading request bodies and writing Northflank's <c>{"data": ...}</c> and <c>{"error": ...}</c> envelopes.</summary>
internal static class ApiIo
{
    public const string AuthenticatedTokenKey = "simulator.token";

    /// <summary>Where an error answer leaves its id and <c>details.field</c> for the request log.</summary>
    public const string ErrorKey = "simulator.error";

    /// <summary>Where a create leaves the id it names (the slug of its body's name) for the request log.</summary>
    public const string SubjectKey = "simulator.subject";

    /// <summary>An empty body reads as <c>{}</c>: the client sends none for pause, restart and the like.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw ApiException.BadRequest("body", "must be a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("body", $"is not valid JSON ({e.Message})");
        }
    }

    public static SimulatorToken Token(HttpContext context) => (SimulatorToken)context.Items[AuthenticatedTokenKey]!;

    public static string Route(HttpContext context, string name) => (string)context.GetRouteValue(name)!;

    /// <summary>Every success is 200: the client treats any other status, even 201 or 204, as an error.</summary>
    public static Task WriteDataAsync(HttpContext context, JsonNode data, JsonObject? pagination = null)
    {
        var envelope = new JsonObject { ["data"] = data };
        if (pagination is not null)
        {
            envelope["pagination"] = pagination;
        }

        return WriteJsonAsync(context, 200, envelope);
    }

    public static Task WriteEmptyAsync(HttpContext context) => WriteDataAsync(context, new JsonObject());

    public static Task WriteErrorAsync(HttpContext context, int status, string errorId, string message, JsonNode? details = null)
    {
        var error = new JsonObject { ["status"] = status, ["message"] = message, ["id"] = errorId };
        if (details is not null)
        {
            error["details"] = details.DeepClone();
        }

        context.Items[ErrorKey] = (errorId, (details as JsonObject)?["field"]?.GetValue<string>());

        return WriteJsonAsync(context, status, new JsonObject { ["error"] = error });
    }

    public static Task WriteErrorAsync(HttpContext context, ApiException error) =>
        WriteErrorAsync(context, error.Status, error.ErrorId, error.Message, error.Details);

    private static Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
