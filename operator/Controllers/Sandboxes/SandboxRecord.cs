using System.Collections.Immutable;
using System.Globalization;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Everything the operator remembers of one Sandbox between reconciles, kept in <see cref="SandboxMemory"/> by uid. A
/// Sandbox is reconciled by one worker at a time; only <see cref="Waiter"/> is also read by the progress watch.
/// All of it is a cache: lost on restart, it costs at most a repeated (idempotent) call.
/// </summary>
public sealed class SandboxRecord(string key)
{
    private Written? written;
    private ProgressWaiter? waiter;
    private long wokenByTicks;

    /// <summary>The Sandbox's uid (see <see cref="SandboxKey"/>).</summary>
    public string Key { get; } = key;

    /// <summary>
    /// The token that last worked for it: deleting a namespace removes its Secrets at once while its Sandboxes wait
    /// for their finalizers, so a delete falls back to it.
    /// </summary>
    public NorthflankToken? Token { get; set; }

    /// <summary>The config <see cref="Token"/> came from: a delete falls back to the token only for the config it records.</summary>
    public Configs.ConfigKey? TokenConfig { get; set; }

    /// <summary>
    /// The service it created or adopted, from the result of the call that sent the create (whatever its answer), until
    /// status records it: a Sandbox deleted before its status was written still deletes what it created (see
    /// <see cref="RecordedService"/>).
    /// </summary>
    public RecordedService? Created { get; set; }

    /// <summary>When it last changed its service: every list started before then is too old for it.</summary>
    public DateTimeOffset? LastWrite { get; set; }

    /// <summary>The FAILED deployment last explained (its transition time) and what its containers said.</summary>
    public FailureExplanation? Explained { get; set; }

    /// <summary>When its DELETE was sent, and how many delete attempts in a row found Northflank unavailable.</summary>
    public DateTimeOffset? DeleteSentAt { get; set; }

    public int DeleteFailures { get; set; }

    /// <summary>
    /// Remembers what a call of the Sandbox's <see cref="ISandboxExternal"/> reports it did: the one place its facts are
    /// written here, so that the external client keeps nothing between calls.
    /// </summary>
    public void Note(ExternalResult result)
    {
        if (result.CreateSent is { } sent)
        {
            Created = sent; // where the spec points now, even over an earlier create elsewhere that status never named
        }

        Created ??= result.Marked;
        LastWrite = result.WroteAt ?? LastWrite;
        DeleteSentAt = result.DeleteSentAt ?? DeleteSentAt;
        Explained = result.Explained ?? Explained;
    }

    /// <summary>The reason of the Ready condition it last wrote, for the sandboxes{ready_reason} gauge.</summary>
    public string? ReadyReason { get; set; }

    /// <summary>What the progress watch wakes it on while its service changes; null when nothing is awaited.</summary>
    public ProgressWaiter? Waiter
    {
        get => Volatile.Read(ref waiter);
        set => Volatile.Write(ref waiter, value);
    }

    /// <summary>Clears <paramref name="judged"/> unless a newer reconcile replaced it meanwhile (that one stays).</summary>
    public bool TryClearWaiter(ProgressWaiter judged) => ReferenceEquals(Interlocked.CompareExchange(ref waiter, null, judged), judged);

    /// <summary>
    /// When the look that woke it started (the progress watch's list or probe), until its next reconcile has used it.
    /// That look started after the waiter, so after everything the last reconcile saw: the woken reconcile may read it
    /// however long a big project's list took, instead of listing all of the project's pages again for itself.
    /// </summary>
    public DateTimeOffset? WokenBy
    {
        // Set by the progress watch, read by the worker the wake queues it to: a tick count, so one atomic write.
        get => Interlocked.Read(ref wokenByTicks) is var ticks && ticks != 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        set => Interlocked.Exchange(ref wokenByTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>
    /// The Sandbox with the status last written, when the informer cache still holds a version older than that write.
    /// A reconcile of the stale copy would act on a stale applied-spec hash and repeat Northflank work, and its status
    /// write, conditional on the resourceVersion, would only conflict. Once the cache holds that version or a newer one,
    /// the cache is the truth again. Changes <paramref name="sandbox"/> in place.
    /// </summary>
    public Sandbox Newest(Sandbox sandbox)
    {
        if (written is not { } last)
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
        written = null;
        return sandbox;
    }

    /// <summary>Records a successful status write.</summary>
    /// <param name="basedOn">The resourceVersion the write was conditional on.</param>
    /// <param name="version">The resourceVersion the write returned.</param>
    public void Wrote(string? basedOn, string? version, SandboxStatus status)
    {
        if (version is null || basedOn is null)
        {
            written = null;
            return;
        }

        // Every version our writes replaced since the cache last caught up: the cache may still hold any of them.
        var replaced = written is { } last && last.Version == basedOn ? last.Replaced.Add(basedOn) : [basedOn];
        written = new Written(replaced, version, status);
    }

    /// <summary>
    /// Whether the cached version predates our last write: exactly when our writes replaced it, and, since an etcd-backed
    /// API server's resourceVersions are etcd revisions (increasing integers), when both parse as integers and the cached
    /// one is smaller (a cache still older than the version our first write was based on). Anything else is newer.
    /// </summary>
    private static bool IsOlder(string cached, Written last) =>
        last.Replaced.Contains(cached)
        || (ulong.TryParse(cached, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && ulong.TryParse(last.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            && c < v);

    private sealed record Written(ImmutableHashSet<string> Replaced, string Version, SandboxStatus Status);
}

/// <summary>Wakes its Sandbox on the first list of its project, started after <see cref="Since"/>, for which <see cref="WakeWhen"/> holds.</summary>
public sealed record ProgressWaiter(
    string Namespace, string Name, INorthflankApi Api, NorthflankToken Token, string ProjectId, string ServiceId,
    Func<ServiceSummary?, bool> WakeWhen, DateTimeOffset Since);
