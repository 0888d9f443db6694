using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SandboxOperator.Northflank.Wire;

// Envelopes and small bodies that only the HTTP layer sees. Shapes follow @northflank/js-client 0.9.5
// (dist/esm/api-client.d.ts and the endpoint classes in its dist JS).

/// <summary><c>{"data": ..., "pagination": {...}}</c>: every successful answer.</summary>
internal sealed record DataEnvelope<T>
{
    public T? Data { get; init; }
    public Pagination? Pagination { get; init; }
}

/// <summary>Added by paginated list calls; <c>per_page</c> (max 100) and <c>cursor</c> are query options.</summary>
internal sealed record Pagination
{
    public bool HasNextPage { get; init; }
    public string? Cursor { get; init; }
    public int? Count { get; init; }
}

/// <summary><c>{"error": {"status", "message", "id"?, "details"?}}</c>.</summary>
internal sealed record ErrorEnvelope
{
    public ErrorBody? Error { get; init; }
}

internal sealed record ErrorBody
{
    public int? Status { get; init; }
    public string? Message { get; init; }
    public string? Id { get; init; }
    public JsonElement? Details { get; init; }
}

/// <summary>GET /services: <c>data.services[]</c>.</summary>
internal sealed record ServiceListData
{
    public IReadOnlyList<ServiceSummary>? Services { get; init; }
}

/// <summary>GET /projects: <c>data.projects[]</c> (list-projects.md).</summary>
internal sealed record ProjectListData
{
    public IReadOnlyList<ProjectItem>? Projects { get; init; }
}

internal sealed record ProjectItem
{
    public required string Id { get; init; }
}

/// <summary>GET /containers: <c>data.containers[]</c>.</summary>
internal sealed record ContainerListData
{
    public IReadOnlyList<ServiceContainer>? Containers { get; init; }
}

/// <summary>POST /resume body: <c>{"instances"?: n}</c>.</summary>
internal sealed record ResumeBody
{
    public int? Instances { get; init; }
}

/// <summary>PATCH a service's description alone: <c>{"description": "..."}</c> (patch-deployment-service.md).</summary>
internal sealed record DescriptionPatch
{
    public required string Description { get; init; }
}

/// <summary>PATCH <c>{"runtimeEnvironment": {"NAME": null, ...}}</c>: RFC 7386's removal, for a PATCH that merges.</summary>
internal sealed record EnvironmentRemoval
{
    public required IReadOnlyDictionary<string, string?> RuntimeEnvironment { get; init; }
}

/// <summary>
/// Reads a JSON object as its keys alone: the runtime environment of a write answer, whose values may be secrets and are
/// never kept. Writes the names back as an object of nulls.
/// </summary>
public sealed class NamesOnlyConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var names = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            names.Add(reader.GetString()!);
            reader.Read();
            reader.Skip();
        }

        return names;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var name in value)
        {
            writer.WriteNull(name);
        }

        writer.WriteEndObject();
    }
}

internal static class NorthflankJson
{
    /// <summary>camelCase names, case-insensitive reads, nulls omitted; dictionary keys (env names) kept as given.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new LenientDateTimeOffsetConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Northflank's examples show both ISO 8601 and "2021-01-01 12:00:00.000Z"; accept either.</summary>
    private sealed class LenientDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TryGetDateTimeOffset(out var value))
            {
                return value;
            }

            var text = reader.GetString();
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
                ? value
                : throw new JsonException("Not a timestamp.");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
