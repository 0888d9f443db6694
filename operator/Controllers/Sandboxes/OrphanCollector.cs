using System.Collections.Concurrent;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Finds services that carry this cluster's ownership marker but whose Sandbox is gone (its finalizer was removed by
/// hand, etcd was restored): from the project lists the operator makes anyway, and once per settled-poll interval for
/// a project no reconcile listed. Only namespaces this operator watches count: another operator's Sandboxes are not its
/// orphans. Nothing is judged before the Sandbox cache is complete.
/// <para>
/// Tenants may share a token and a project, so an orphan is judged only by the configs on them that serve the
/// namespace its marker names (<see cref="OrphanJudges"/>): each gets an Event about it, and it is deleted after a grace
/// period only when every one of them says Delete, once a fresh read shows the same marker and still no Sandbox of that
/// uid. One that no tracked config serves is left alone and only counted (the operator's gauge, which names no
/// namespace): a config never deletes, nor hears of, a service of a namespace it does not serve.
/// </para>
/// </summary>
public sealed class OrphanCollector
{
    private readonly OrphanJudges judges = new();
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

    /// <summary>Orphans found and not yet gone, judged or not.</summary>
    public int Count => orphans.Count;

    /// <summary>
    /// How long a config stays a judge after the last Sandbox was connected through it: a settled Sandbox is connected
    /// once per settled-poll interval, and the orphan a vanished Sandbox leaves takes up to two of the collector's
    /// rounds to be seen and a grace period more to be deleted by the config it was created through.
    /// </summary>
    public TimeSpan KeepFor => (3 * options.SettledPollInterval) + options.OrphanGracePeriod;

    /// <summary>A project some Sandbox lives in, with the token and config it is reached through (one of several).</summary>
    public void Track(NorthflankAccess access, NorthflankToken token, string projectId, INorthflankApi api) =>
        judges.Track(new OrphanJudge(access, token, api, time.GetUtcNow()), projectId);

    /// <summary>One round each settled-poll interval, until stopped.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        running = ct;
        using var timer = new PeriodicTimer(options.SettledPollInterval, time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            await PollAsync(ct);
        }
    }

    /// <summary>
    /// Forgets the configs no Sandbox was connected through lately (and the orphans of projects none reaches any more:
    /// nothing would look at them again), then lists each tracked project no reconcile listed within the interval.
    /// </summary>
    internal async Task PollAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (token, project) in judges.ForgetUntrackedSince(now - KeepFor))
        {
            foreach (var key in orphans.Keys.Where(k => k.Token == token && k.Project == project))
            {
                orphans.TryRemove(key, out _);
            }
        }

        var notBefore = now - options.SettledPollInterval;
        foreach (var (project, newest) in judges.Projects())
        {
            if (lists.ListedAt(newest.Token, project) is not { } listed || listed < notBefore)
            {
                await ListQuietlyAsync(newest, project, notBefore, ct);
            }
        }
    }

    private async Task ListQuietlyAsync(OrphanJudge entry, string project, DateTimeOffset notBefore, CancellationToken ct)
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
        var token = listing.Token.Fingerprint;
        if (!sandboxes.IsComplete || !judges.Reach(token, listing.ProjectId))
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
                Consider(token, listing.ProjectId, service.Id, owner);
            }
        }

        // Deleted by someone else, its marker gone (released), or its Sandbox is back (a restored backup): no longer an orphan.
        foreach (var key in orphans.Keys.Where(k => k.Token == token && k.Project == listing.ProjectId && !found.Contains(k.Service)))
        {
            orphans.TryRemove(key, out _);
        }
    }

    private void Consider(string token, string project, string serviceId, OwnershipMarker.Owner owner)
    {
        var judging = judges.Serving(token, project, owner.Namespace);
        var now = time.GetUtcNow();

        // A marker that now names another Sandbox is another orphan: its own judges, its own grace period.
        var orphan = orphans.AddOrUpdate((token, project, serviceId), _ => new Orphan(owner), (_, known) => known.Owner == owner ? known : new Orphan(owner));
        if (judging.Count == 0)
        {
            // No config here serves its namespace: nobody with a say over it to tell, and nobody else may hear of it.
            if (orphan.TryNoteUnjudged())
            {
                reporter.Unjudged(project, serviceId, owner);
            }

            return;
        }

        foreach (var judge in judging.Where(j => orphan.TryReport(j.Config, now)))
        {
            reporter.Found(judge.Config, project, serviceId, owner);
        }

        // Any of them may be the config it was created through: one that says Report keeps it.
        if (judging.All(j => j.SaysDelete) && orphan.JudgedSince is { } since && now - since >= options.OrphanGracePeriod && orphan.TryStartDelete())
        {
            _ = DeleteAsync(judging, project, serviceId, orphan, (token, project, serviceId));
        }
    }

    private async Task DeleteAsync(IReadOnlyList<OrphanJudge> judging, string project, string serviceId, Orphan orphan, (string, string, string) key)
    {
        // Every judge is on the one token: any of their clients will do.
        var api = judging[0].Api;
        var owner = orphan.Owner;
        try
        {
            var current = await api.GetServiceAsync(project, serviceId, RequestPriority.Background, running);
            var stillOrphaned = current is not null && OwnershipMarker.Read(current.Description) == owner
                && !sandboxes.All().Any(s => s.Metadata.Uid == owner.Uid);
            if (stillOrphaned)
            {
                await api.DeleteServiceAsync(project, serviceId, deleteChildObjects: true, running);
                foreach (var judge in judging)
                {
                    reporter.Deleted(judge.Config, project, serviceId, owner);
                }
            }

            orphans.TryRemove(new KeyValuePair<(string, string, string), Orphan>(key, orphan));
        }
        catch (Exception e) when (e is NorthflankApiException or OperationCanceledException)
        {
            // Tried again when a later list still shows it.
            orphan.DeleteFailed();
        }
    }

    private bool Watched(string ns) => options.WatchedNamespaces.Count == 0 || options.WatchedNamespaces.Contains(ns, StringComparer.Ordinal);

    private sealed class Orphan(OwnershipMarker.Owner owner)
    {
        private readonly HashSet<ConfigKey> reportedTo = [];
        private int deleting;
        private int notedUnjudged;
        private DateTimeOffset? judgedSince;

        public OwnershipMarker.Owner Owner { get; } = owner;

        /// <summary>When a config that serves its namespace first saw it: the grace period runs from its first Event.</summary>
        public DateTimeOffset? JudgedSince
        {
            get
            {
                lock (reportedTo)
                {
                    return judgedSince;
                }
            }
        }

        /// <summary>True the first time for each config: one OrphanFound per config, however often it is listed.</summary>
        public bool TryReport(ConfigKey config, DateTimeOffset now)
        {
            lock (reportedTo)
            {
                judgedSince ??= now;
                return reportedTo.Add(config);
            }
        }

        public bool TryNoteUnjudged() => Interlocked.Exchange(ref notedUnjudged, 1) == 0;

        public bool TryStartDelete() => Interlocked.Exchange(ref deleting, 1) == 0;

        public void DeleteFailed() => Interlocked.Exchange(ref deleting, 0);
    }
}
