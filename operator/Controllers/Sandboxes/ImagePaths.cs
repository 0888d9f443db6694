namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Compares image paths the way they can be compared: Northflank's GET service answers the path without the registry
/// host (get-service.md: "Path of the external image excluding the hostname"), so the spec's <c>ghcr.io/acme/agent:1.4</c>
/// comes back as <c>acme/agent:1.4</c>, and a Docker Hub image may come back with or without <c>library/</c>. Both sides
/// are reduced to the repository path and tag (Docker's own reference rules: a first segment with a dot or a colon, or
/// <c>localhost</c>, is a host), so only a real change of image counts as drift.
/// </summary>
public static class ImagePaths
{
    public static bool Same(string? a, string? b) => a is not null && b is not null && Normalize(a) == Normalize(b);

    public static string Normalize(string path)
    {
        var rest = path.Trim();
        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (rest.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                rest = rest[scheme.Length..];
            }
        }

        rest = rest.TrimStart('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IsHost(rest[..slash]))
        {
            rest = rest[(slash + 1)..];
            if (rest.StartsWith("v1/", StringComparison.Ordinal))
            {
                rest = rest[3..];
            }
        }

        return rest.Contains('/', StringComparison.Ordinal) ? rest : "library/" + rest;
    }

    private static bool IsHost(string segment) =>
        segment.Contains('.', StringComparison.Ordinal) || segment.Contains(':', StringComparison.Ordinal) || segment == "localhost";
}
