using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The status last written for each Sandbox, until the watch brings the object back with it. The informer cache may
/// still hold the object as it was before the write. A reconcile of that copy would act on a stale applied-spec hash
/// and repeat Northflank work, and its status write, conditional on the resourceVersion, would only conflict. So while
/// the cache holds a version older than our last write, the reconcile gets what was written, with the
/// resourceVersion the write returned; once the cache holds that version or a newer one, the cache is the truth again.
/// </summary>
public sealed class StatusMemory
{
    private readonly ConcurrentDictionary<string, Written> written = new();

    /// <summary>The Sandbox (changed in place) with the status last written, when the cache is older than that write.</summary>
    public Sandbox Newest(Sandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var key = SandboxKey.Of(sandbox);
        if (!written.TryGetValue(key, out var last))
        {
            return sandbox;
        }

        if (sandbox.Metadata.ResourceVersion is { } cached && IsOlder(cached, last))
        {
            sandbox.Status = last.Status;
            sandbox.Metadata.ResourceVersion = last.Version;
            return sandbox;
        }

        // Caught up with our write, or moved past it (a spec change carries our status along).
        written.TryRemove(KeyValuePair.Create(key, last));
        return sandbox;
    }

    /// <summary>Records a successful status write.</summary>
    /// <param name="sandbox">The Sandbox as the write saw it: its resourceVersion is the one the write was conditional on.</param>
    /// <param name="version">The resourceVersion the write returned.</param>
    /// <param name="status">The status written.</param>
    public void Remember(Sandbox sandbox, string? version, SandboxStatus status)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var key = SandboxKey.Of(sandbox);
        if (version is null || sandbox.Metadata.ResourceVersion is not { } basedOn)
        {
            written.TryRemove(key, out _);
            return;
        }

        // Every version our writes replaced since the cache last caught up: the cache may still hold any of them.
        var replaced = written.TryGetValue(key, out var last) && last.Version == basedOn
            ? last.Replaced.Add(basedOn)
            : [basedOn];
        written[key] = new Written(replaced, version, status);
    }

    public void Forget(Sandbox sandbox)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        written.TryRemove(SandboxKey.Of(sandbox), out _);
    }

    /// <summary>
    /// Whether the cached version predates our last write. Exactly when our writes replaced it; and, since an
    /// etcd-backed API server's resourceVersions are etcd revisions (increasing integers), when both parse as integers
    /// and the cached one is smaller: that also covers a cache still older than the version our first write was based
    /// on (the reconcile got the object from a finalizer patch, not from the cache). Any other version is taken as newer.
    /// </summary>
    private static bool IsOlder(string cached, Written last) =>
        last.Replaced.Contains(cached)
        || (ulong.TryParse(cached, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && ulong.TryParse(last.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            && c < v);

    private sealed record Written(ImmutableHashSet<string> Replaced, string Version, SandboxStatus Status);
}
