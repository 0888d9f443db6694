namespace KubectlSandbox.Cli;

/// <summary>
/// One side of <c>cp</c>: a local path, or <c>[NAMESPACE/]NAME:PATH</c> inside a Sandbox, as <c>kubectl cp</c> reads
/// them. A path that starts with <c>/</c> or <c>.</c> is local even when it holds a colon (<c>./a:b</c>).
/// </summary>
internal sealed record CopyPath(string Path, string? Sandbox = null, string? Namespace = null)
{
    public bool IsRemote => Sandbox is not null;

    public static CopyPath Parse(string text)
    {
        if (text.Length == 0)
        {
            throw new UsageException("cp: an empty path");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || text[0] is '/' or '.')
        {
            return new CopyPath(text);
        }

        var owner = text[..colon];
        var path = text[(colon + 1)..];
        if (owner.Length == 0 || path.Length == 0)
        {
            throw new UsageException($"cp: '{text}' is neither a local path nor NAME:PATH");
        }

        var slash = owner.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? new CopyPath(path, owner)
            : new CopyPath(path, owner[(slash + 1)..], owner[..slash]) is { Sandbox.Length: > 0, Namespace.Length: > 0 } namespaced
                ? namespaced
                : throw new UsageException($"cp: '{owner}' is not NAMESPACE/NAME");
    }
}
