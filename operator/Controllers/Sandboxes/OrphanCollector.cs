using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Finds services that carry this cluster's ownership marker but whose Sandbox is gone (its finalizer was removed by
/// hand, etcd was restored): from the project lists the operator makes anyway, and once per settled-poll interval for
/// a project no reconcile listed. Each is reported (an Event on its config, a metric); where the config says Delete, it
/// is deleted after a grace period, once a fresh read shows the same marker and still no Sandbox of that uid. Only
/// namespaces this operator watches count: another operator's Sandboxes are not its orphans. Nothing is judged before
/// the Sandbox cache is complete.
/// </summary>
public sealed class OrphanCollector
{
    private readonly ConcurrentDictionary<(string Token, string Project), Tracked> tracked = new();
    private readonly ConcurrentDictionary<(string Token, string Project, string Service), Orphan> orphans = new();
    private readonly ServiceListCache lists;
    private readonly ISandboxDirectory sandboxes;
    private readonly IOrphanReporter reporter;
    private readonly ReconcilerOptions options;
    private readonly TimeProvider time;
    private CancellationToken running = new(canceled: true);

    public OrphanCollector(ServiceListCache lists, ISandboxDirectory sandboxes, IOrphanReporter reporter, ReconcilerOptions options, TimeProvider time)
    {
        this.lists = lists;
        this.sandboxes = sandboxes;
        this.reporter = reporter;
        this.options = options;
        this.time = time;
        lists.Listed += Inspect;
    }

    /// <summary>Orphans found and not yet gone.</summary>
    public int Count => orphans.Count;

    /// <summary>A project some Sandbox lives in, with the token and config it is reached through.</summary>
    public void Track(NorthflankAccess access, NorthflankToken token, string projectId, INorthflankApi api) =>
        tracked[(token.Fingerprint, projectId)] = new Tracked(access, token, api);

    /// <summary>Lists each tracked project no reconcile listed within the settled-poll interval, until stopped.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        running = ct;
        using var timer = new PeriodicTimer(options.SettledPollInterval, time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            var notBefore = time.GetUtcNow() - options.SettledPollInterval;
            foreach (var ((_, project), entry) in tracked)
            {
                if (lists.ListedAt(entry.Token, project) is not { } listed || listed < notBefore)
                {
                    await ListQuietlyAsync(entry, project, notBefore, ct);
                }
            }
        }
    }

    private async Task ListQuietlyAsync(Tracked entry, string project, DateTimeOffset notBefore, CancellationToken ct)
    {
        try
        {
            await lists.GetAsync(entry.Api, entry.Token, project, notBefore, RequestPriority.Observe, ct);
        }
        catch (NorthflankApiException)
        {
            // The next round tries again; the Sandboxes' own reconciles report Northflank's failures.
        }
    }

    private void Inspect(ProjectListing listing)
    {
        if (!sandboxes.IsComplete || !tracked.TryGetValue((listing.Token.Fingerprint, listing.ProjectId), out var entry))
        {
            return;
        }

        var live = sandboxes.All().Select(s => s.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in listing.Services.Values)
        {
            if (OwnershipMarker.Read(service.Description) is { } owner && owner.ClusterId == options.ClusterId && Watched(owner.Namespace) && !live.Contains(owner.Uid))
            {
                found.Add(service.Id);
                Consider(entry, listing.ProjectId, service.Id, owner);
            }
        }

        // Deleted by someone else, or its Sandbox is back (a restored backup): no longer an orphan.
        foreach (var key in orphans.Keys.Where(k => k.Token == listing.Token.Fingerprint && k.Project == listing.ProjectId && !found.Contains(k.Service)))
        {
            orphans.TryRemove(key, out _);
        }
    }

    private void Consider(Tracked entry, string project, string serviceId, OwnershipMarker.Owner owner)
    {
        var key = (entry.Token.Fingerprint, project, serviceId);
        var now = time.GetUtcNow();
        var orphan = orphans.GetOrAdd(key, _ =>
        {
            reporter.Found(entry.Access.Config, project, serviceId, owner);
            return new Orphan(now);
        });
        if (entry.Access.OrphanPolicy == OrphanPolicies.Delete && now - orphan.FirstSeen >= options.OrphanGracePeriod && orphan.TryStartDelete())
        {
            _ = DeleteAsync(entry, project, serviceId, owner, key);
        }
    }

    private async Task DeleteAsync(Tracked entry, string project, string serviceId, OwnershipMarker.Owner owner, (string, string, string) key)
    {
        try
        {
            var current = await entry.Api.GetServiceAsync(project, serviceId, RequestPriority.Background, running);
            var stillOrphaned = current is not null && OwnershipMarker.Read(current.Description) == owner
                && !sandboxes.All().Any(s => s.Metadata.Uid == owner.Uid);
            if (stillOrphaned)
            {
                await entry.Api.DeleteServiceAsync(project, serviceId, deleteChildObjects: true, running);
                reporter.Deleted(entry.Access.Config, project, serviceId, owner);
            }

            orphans.TryRemove(key, out _);
        }
        catch (Exception e) when (e is NorthflankApiException or OperationCanceledException)
        {
            // Tried again when a later list still shows it.
            if (orphans.TryGetValue(key, out var orphan))
            {
                orphan.DeleteFailed();
            }
        }
    }

    private bool Watched(string ns) => options.WatchedNamespaces.Count == 0 || options.WatchedNamespaces.Contains(ns, StringComparer.Ordinal);

    private sealed record Tracked(NorthflankAccess Access, NorthflankToken Token, INorthflankApi Api);

    private sealed class Orphan(DateTimeOffset firstSeen)
    {
        private int deleting;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public bool TryStartDelete() => Interlocked.Exchange(ref deleting, 1) == 0;

        public void DeleteFailed() => Interlocked.Exchange(ref deleting, 0);
    }
}
