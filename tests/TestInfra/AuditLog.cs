using System.Globalization;
using System.Text.Json;

namespace TestInfra;

/// <summary>One request as kube-apiserver's audit log (Metadata level) recorded it.</summary>
/// <param name="User">The authenticated user, e.g. <c>system:serviceaccount:ns:name</c>.</param>
/// <param name="Verb">create, update, patch, delete, deletecollection.</param>
/// <param name="Code">The response status code; null when the request never completed.</param>
/// <param name="Received">When the API server received the request.</param>
/// <param name="Completed">When the event's stage was reached (for ResponseComplete: the response was sent).</param>
public sealed record AuditEvent(
    string User,
    string Verb,
    string? ApiGroup,
    string? Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    int? Code,
    DateTimeOffset Received,
    DateTimeOffset Completed,
    string Stage)
{
    /// <summary>A write to the resource (any subresource), e.g. <c>IsWriteOf("sandboxes")</c>.</summary>
    public bool IsWriteOf(string resource) => Resource == resource;

    public override string ToString() =>
        $"{Received:HH:mm:ss.ffffff} {User} {Verb} {Resource}{(Subresource is null ? "" : "/" + Subresource)} {Namespace}/{Name} -> {Code}";
}

/// <summary>Reads kube-apiserver's JSON-lines audit log.</summary>
public static class AuditLog
{
    /// <summary>Every complete line of the log; a line still being written (no newline yet) is left for the next read.</summary>
    public static IReadOnlyList<AuditEvent> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return [.. complete.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
    }

    public static AuditEvent Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var objectRef = root.TryGetProperty("objectRef", out var o) ? o : default;
        return new AuditEvent(
            User: root.GetProperty("user").GetProperty("username").GetString() ?? "",
            Verb: root.GetProperty("verb").GetString() ?? "",
            ApiGroup: Text(objectRef, "apiGroup"),
            Resource: Text(objectRef, "resource"),
            Subresource: Text(objectRef, "subresource"),
            Namespace: Text(objectRef, "namespace"),
            Name: Text(objectRef, "name"),
            Code: root.TryGetProperty("responseStatus", out var status) && status.TryGetProperty("code", out var code) ? code.GetInt32() : null,
            Received: Time(root, "requestReceivedTimestamp"),
            Completed: Time(root, "stageTimestamp"),
            Stage: root.GetProperty("stage").GetString() ?? "");
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static DateTimeOffset Time(JsonElement root, string name) =>
        DateTimeOffset.Parse(root.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
