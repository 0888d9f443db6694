using System.Collections.Concurrent;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// What each project's services look like, as one token sees them: one paged list call (100 services a page) tells the
/// deployment state of every Sandbox in the project, so polling costs one call per page instead of one per Sandbox.
/// Refreshes are single-flight per priority: concurrent reconciles that need a fresher list share one call, and a more
/// urgent caller never waits behind a list still queued for the budget at a lower priority.
/// <para>
/// In a big project a list is many pages, so a caller that knows which few services it needs (<see cref="ObserveAsync"/>)
/// reads them one GET each when that is fewer calls than the pages: a probe. A probe counts for its service like a list
/// started when the probe did; the newest of the two answers.
/// </para>
/// </summary>
public sealed class ServiceListCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Token, string Project), Entry> entries = new();

    /// <summary>Raised after each fresh list (for whoever reads every service of a project, like the orphan collector).</summary>
    public event Action<ProjectListing>? Listed;

    /// <summary>When the project's list the cache holds was started; null when it holds none.</summary>
    public DateTimeOffset? ListedAt(NorthflankToken token, string projectId) =>
        entries.TryGetValue((token.Fingerprint, projectId), out var entry) ? entry.StartedAt : null;

    /// <summary>
    /// Whether a list or a probe in hand, started at or after <paramref name="notBefore"/>, tells what the service is
    /// (<paramref name="service"/>, null when it is not there).
    /// </summary>
    public bool TryLook(NorthflankToken token, string projectId, string serviceId, DateTimeOffset notBefore, out ServiceSummary? service)
    {
        service = null;
        return entries.TryGetValue((token.Fingerprint, projectId), out var entry) && entry.TryLook(serviceId, notBefore, out service);
    }

    /// <summary>
    /// The services named, each as seen at or after <paramref name="notBefore"/> (null: not there), for the fewest calls:
    /// a GET per service not already known when they are fewer than the pages of the project's last list, else one
    /// list (for a project never listed, a list: its size is unknown). Says what it cost, so the caller can pace itself.
    /// </summary>
    public async Task<ProjectLook> ObserveAsync(
        INorthflankApi api, NorthflankToken token, string projectId, IReadOnlyCollection<string> serviceIds, DateTimeOffset notBefore, RequestPriority priority, CancellationToken ct)
    {
        var entry = entries.GetOrAdd((token.Fingerprint, projectId), _ => new Entry());
        var stale = serviceIds.Where(id => !entry.TryLook(id, notBefore, out _)).ToList();
        var calls = 0;
        if (stale.Count > 0 && entry.Pages is { } pages && stale.Count < pages)
        {
            await Task.WhenAll(stale.Select(id => ProbeAsync(api, entry, projectId, id, priority, ct)));
            calls = stale.Count;
        }
        else if (stale.Count > 0)
        {
            // A list shared with a concurrent caller costs this one nothing; counted as the pages anyway (an upper bound).
            await GetAsync(api, token, projectId, notBefore, priority, ct);
            calls = entry.Pages ?? 1;
        }

        return new ProjectLook(
            serviceIds.Distinct().ToDictionary(id => id, id => entry.TryLook(id, notBefore, out var service) ? service : null, StringComparer.Ordinal),
            calls);
    }

    private async Task ProbeAsync(INorthflankApi api, Entry entry, string projectId, string serviceId, RequestPriority priority, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        entry.Probed(serviceId, await api.GetServiceAsync(projectId, serviceId, priority, ct), started);
    }

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

        private readonly ConcurrentDictionary<string, Probe> probes = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, ServiceSummary>? Fresh(DateTimeOffset notBefore) =>
            snapshot is { } s && s.StartedAt >= notBefore ? s.Services : null;

        /// <summary>Pages the project's last list took (100 services a page); null before any list.</summary>
        public int? Pages => snapshot is { } s ? Math.Max(1, (s.Services.Count + NorthflankApiClient.PageSize - 1) / NorthflankApiClient.PageSize) : null;

        public bool TryLook(string serviceId, DateTimeOffset notBefore, out ServiceSummary? service)
        {
            var listed = snapshot;
            if (probes.TryGetValue(serviceId, out var probe) && probe.StartedAt >= notBefore && (listed is null || probe.StartedAt >= listed.StartedAt))
            {
                service = probe.Service;
                return true;
            }

            service = listed?.Services.GetValueOrDefault(serviceId);
            return listed is not null && listed.StartedAt >= notBefore;
        }

        public void Probed(string serviceId, ServiceSummary? service, DateTimeOffset startedAt) =>
            probes.AddOrUpdate(serviceId, new Probe(service, startedAt), (_, old) => old.StartedAt <= startedAt ? new Probe(service, startedAt) : old);

        /// <summary>Keeps the newest list: lists of two priorities can finish in either order.</summary>
        public void Update(IReadOnlyDictionary<string, ServiceSummary> services, DateTimeOffset startedAt)
        {
            lock (updating)
            {
                if (snapshot is null || snapshot.StartedAt <= startedAt)
                {
                    snapshot = new Snapshot(services, startedAt);
                    // A probe older than the list says nothing the list does not: dropped, so probes never pile up.
                    foreach (var (id, probe) in probes.Where(p => p.Value.StartedAt <= startedAt))
                    {
                        probes.TryRemove(new KeyValuePair<string, Probe>(id, probe));
                    }
                }
            }
        }

        private sealed record Snapshot(IReadOnlyDictionary<string, ServiceSummary> Services, DateTimeOffset StartedAt);

        private sealed record Probe(ServiceSummary? Service, DateTimeOffset StartedAt);
    }
}

/// <summary>The services a caller asked for (null: not there), and the calls reading them cost.</summary>
public sealed record ProjectLook(IReadOnlyDictionary<string, ServiceSummary?> Services, int Calls);

/// <summary>A project's services as one token listed them, and when the list started.</summary>
public sealed record ProjectListing(NorthflankToken Token, string ProjectId, IReadOnlyDictionary<string, ServiceSummary> Services, DateTimeOffset StartedAt);
