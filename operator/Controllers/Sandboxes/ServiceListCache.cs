using System.Collections.Concurrent;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The service list of each project, as one token sees it: one paged list call (100 services a page) tells the
/// deployment state of every Sandbox in the project, so polling costs one call per project instead of one per
/// Sandbox. Refreshes are single-flight per priority: concurrent reconciles that need a fresher list share one call,
/// and a more urgent caller never waits behind a list still queued for the budget at a lower priority.
/// </summary>
public sealed class ServiceListCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Token, string Project), Entry> entries = new();

    /// <summary>Raised after each fresh list (for whoever reads every service of a project, like the orphan collector).</summary>
    public event Action<ProjectListing>? Listed;

    /// <summary>When the project's list the cache holds was started; null when it holds none.</summary>
    public DateTimeOffset? ListedAt(NorthflankToken token, string projectId) =>
        entries.TryGetValue((token.Fingerprint, projectId), out var entry) ? entry.StartedAt : null;

    /// <summary>The project's services from a list in hand started at or after <paramref name="notBefore"/>; null when there is none.</summary>
    public IReadOnlyDictionary<string, ServiceSummary>? Cached(NorthflankToken token, string projectId, DateTimeOffset notBefore) =>
        entries.TryGetValue((token.Fingerprint, projectId), out var entry) ? entry.Fresh(notBefore) : null;

    /// <summary>
    /// The project's services as listed at or after <paramref name="notBefore"/>; lists again when the cached list
    /// started earlier (anything written after a list started may be missing from it), at <paramref name="priority"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ServiceSummary>> GetAsync(
        INorthflankApi api, NorthflankToken token, string projectId, DateTimeOffset notBefore, RequestPriority priority, CancellationToken ct)
    {
        var entry = entries.GetOrAdd((token.Fingerprint, projectId), _ => new Entry());
        if (entry.Fresh(notBefore) is { } cached)
        {
            return cached;
        }

        var gate = entry.Gate(priority);
        await gate.WaitAsync(ct);
        try
        {
            if (entry.Fresh(notBefore) is { } refreshed)
            {
                return refreshed;
            }

            var started = time.GetUtcNow();
            var services = (await api.ListServicesAsync(projectId, priority, ct)).ToDictionary(s => s.Id, StringComparer.Ordinal);
            entry.Update(services, started);
            Listed?.Invoke(new ProjectListing(token, projectId, services, started));
            return services;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops the lists read with a token that is gone (see <see cref="NorthflankApiFactory.Evicted"/>).</summary>
    public void Forget(string tokenFingerprint)
    {
        foreach (var key in entries.Keys.Where(k => k.Token == tokenFingerprint))
        {
            entries.TryRemove(key, out _);
        }
    }

    private sealed class Entry
    {
        private readonly SemaphoreSlim[] gates = [.. Enum.GetValues<RequestPriority>().Select(_ => new SemaphoreSlim(1, 1))];
        private readonly Lock updating = new();
        private volatile Snapshot? snapshot;

        public SemaphoreSlim Gate(RequestPriority priority) => gates[(int)priority];

        public IReadOnlyDictionary<string, ServiceSummary>? Services => snapshot?.Services;

        public DateTimeOffset? StartedAt => snapshot?.StartedAt;

        public IReadOnlyDictionary<string, ServiceSummary>? Fresh(DateTimeOffset notBefore) =>
            snapshot is { } s && s.StartedAt >= notBefore ? s.Services : null;

        /// <summary>Keeps the newest list: lists of two priorities can finish in either order.</summary>
        public void Update(IReadOnlyDictionary<string, ServiceSummary> services, DateTimeOffset startedAt)
        {
            lock (updating)
            {
                if (snapshot is null || snapshot.StartedAt <= startedAt)
                {
                    snapshot = new Snapshot(services, startedAt);
                }
            }
        }

        private sealed record Snapshot(IReadOnlyDictionary<string, ServiceSummary> Services, DateTimeOffset StartedAt);
    }
}

/// <summary>A project's services as one token listed them, and when the list started.</summary>
public sealed record ProjectListing(NorthflankToken Token, string ProjectId, IReadOnlyDictionary<string, ServiceSummary> Services, DateTimeOffset StartedAt);
