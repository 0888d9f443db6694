using System.Text.Json;
using System.Text.Json.Nodes;
using NorthflankSimulator.State;

namespace NorthflankSimulator.Api;

/// <summary>Typed access to JSON body fields, failing with a 400 that names the field's path.</summary>
internal static class BodyReader
{
    private static string At(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static string? String(JsonObject json, string name, string parent = "", bool required = false)
    {
        var node = Node(json, name, parent, required);
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : throw ApiException.BadRequest(At(parent, name), "must be a string");
    }

    public static int? Int(JsonObject json, string name, string parent = "", bool required = false)
    {
        var node = Node(json, name, parent, required);
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value)
            ? value
            : throw ApiException.BadRequest(At(parent, name), "must be an integer");
    }

    public static bool? Bool(JsonObject json, string name, string parent = "")
    {
        var node = Node(json, name, parent, required: false);
        return node?.GetValueKind() switch
        {
            null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.BadRequest(At(parent, name), "must be true or false"),
        };
    }

    public static JsonObject? Object(JsonObject json, string name, string parent = "", bool required = false)
    {
        var node = Node(json, name, parent, required);
        return node is null ? null : node as JsonObject ?? throw ApiException.BadRequest(At(parent, name), "must be an object");
    }

    public static JsonArray? Array(JsonObject json, string name, string parent = "", bool required = false)
    {
        var node = Node(json, name, parent, required);
        return node is null ? null : node as JsonArray ?? throw ApiException.BadRequest(At(parent, name), "must be an array");
    }

    public static List<string>? StringList(JsonObject json, string name, string parent = "")
    {
        var array = Array(json, name, parent);
        return array?.Select((item, i) => item is not null && item.GetValueKind() == JsonValueKind.String
            ? item.GetValue<string>()
            : throw ApiException.BadRequest($"{At(parent, name)}[{i}]", "must be a string")).ToList();
    }

    public static JsonObject Element(JsonArray array, int index, string path) =>
        array[index] as JsonObject ?? throw ApiException.BadRequest($"{path}[{index}]", "must be an object");

    private static JsonNode? Node(JsonObject json, string name, string parent, bool required)
    {
        var node = json[name];
        if (node is null && required)
        {
            throw ApiException.BadRequest(At(parent, name), "is required");
        }

        return node;
    }
}
