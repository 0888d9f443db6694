using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Watches the Sandboxes whose Northflank service is still changing (deploying, pausing, being deleted) through
/// each project's shared service list, and wakes exactly those whose service changed: one list per project and poll
/// interval (or, where fewer waiting services than the list has pages, a GET each: see
/// <see cref="ServiceListCache.ObserveAsync"/>), and one reconcile per change, however many Sandboxes are waiting. Without it every waiting
/// Sandbox would have to be re-queued on its own each poll interval, which costs a reconcile each even when the
/// list shows nothing new (a thousand a second with a thousand Sandboxes deploying). What each Sandbox waits for is
/// kept in its <see cref="SandboxRecord"/>.
/// </summary>
public sealed class ProgressWatch(SandboxMemory memory, ServiceListCache lists, ReconcilerOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Token, string Project), byte> polling = new();

    // How long each project is left after its last round, from what the round cost (ObservationPace).
    // A timer tick comes a little late, never early: a round due a few ms after a tick's reading of the clock is not
    // left for the next tick (a third of an interval later).
    private static readonly TimeSpan TickLateness = TimeSpan.FromMilliseconds(25);

    private readonly ConcurrentDictionary<(string Token, string Project), (DateTimeOffset Next, TimeSpan Gap)> paced = new();

    public int Count => memory.Waiting().Count();

    /// <summary>
    /// Wakes <paramref name="sandbox"/> on the first list, started after this call, for which
    /// <paramref name="wakeWhen"/> holds (it gets the service as listed, or null when it is not listed).
    /// </summary>
    public void Wait(SandboxRecord record, Sandbox sandbox, INorthflankApi api, NorthflankToken token, SandboxTarget target, Func<ServiceSummary?, bool> wakeWhen) =>
        record.Waiter = new ProgressWaiter(
            sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, api, token, target.ProjectId, target.ServiceName, wakeWhen, time.GetUtcNow());

    /// <summary>
    /// Wakes <paramref name="sandbox"/> when its service's deployment state differs from <paramref name="seen"/>, or
    /// the service is gone. After a write it also wakes on a settled state (COMPLETED or FAILED) equal to the one the
    /// write answered: that answer may predate the deployment the write started, and only a new look can tell.
    /// </summary>
    public void WaitForChange(SandboxRecord record, Sandbox sandbox, INorthflankApi api, NorthflankToken token, SandboxTarget target, ServiceStatus? seen, bool afterWrite) =>
        Wait(record, sandbox, api, token, target, listed => listed is null || listed.Status != seen || (afterWrite && Settled(listed.Status)));

    /// <summary>
    /// How soon a waiting Sandbox's own reconcile looks again if the watch has not woken it: the fallback interval, or
    /// twice the project's current gap between rounds when that is longer (a reconcile's own look would otherwise list
    /// a big project between two rounds the pace keeps apart).
    /// </summary>
    public TimeSpan Fallback(NorthflankToken token, string projectId) =>
        paced.TryGetValue((token.Fingerprint, projectId), out var pace) && pace.Gap * 2 > options.ProgressFallbackInterval
            ? pace.Gap * 2
            : options.ProgressFallbackInterval;

    private static bool Settled(ServiceStatus? status) =>
        status?.Deployment?.Status is DeploymentStates.Completed or DeploymentStates.Failed;

    /// <summary>
    /// Lists every project that has a waiting Sandbox once per its gap (at least <see cref="ObservationPace.Floor"/>),
    /// and wakes those it concerns. The timer ticks every third of the poll interval, so that both floors (the interval,
    /// and two thirds of it for a crowded project) fall on a tick.
    /// </summary>
    public async Task RunAsync(Action<string, string> wake, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.ProgressPollInterval / 3, time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            _ = PollOnceAsync(wake, ct);
        }
    }

    /// <summary>
    /// One round: a fresh look at each project with waiters whose previous round has finished and whose pace allows
    /// one. Rounds run on their own, so a token waiting for its budget (or a slow project) holds up no other token's or
    /// project's round.
    /// </summary>
    public Task PollOnceAsync(Action<string, string> wake, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var rounds = new List<Task>();
        var groups = memory.Waiting().GroupBy(w => (w.Waiter.Token.Fingerprint, w.Waiter.ProjectId)).ToList();
        foreach (var key in paced.Keys.Where(k => !groups.Any(g => g.Key == k)))
        {
            paced.TryRemove(key, out _); // nothing waits there any more: its next round, whenever, starts unpaced
        }

        foreach (var group in groups)
        {
            if (paced.TryGetValue(group.Key, out var pace) && pace.Next - TickLateness > started || !polling.TryAdd(group.Key, 0))
            {
                continue;
            }

            var waiters = group.ToList();
            var projectsOfToken = groups.Count(g => g.Key.Fingerprint == group.Key.Fingerprint);
            rounds.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await PollProjectAsync(waiters, started, projectsOfToken, wake, ct);
                    }
                    finally
                    {
                        polling.TryRemove(group.Key, out _);
                    }
                },
                CancellationToken.None));
        }

        return Task.WhenAll(rounds);
    }

    private async Task PollProjectAsync(
        IReadOnlyList<(SandboxRecord Record, ProgressWaiter Waiter)> group, DateTimeOffset started, int projectsOfToken, Action<string, string> wake, CancellationToken ct)
    {
        var first = group[0].Waiter;
        IReadOnlyDictionary<string, ServiceSummary?> services;
        try
        {
            var waited = group.Select(w => w.Waiter.ServiceId).ToList();
            var look = await lists.ObserveAsync(first.Api, first.Token, first.ProjectId, waited, started, RequestPriority.Confirm, ct);
            services = look.Services;
            // The token's projects share its observation rate; a gap no longer than the timer's own needs no entry.
            var floor = ObservationPace.Floor(group.Count, options.ProgressPollInterval);
            var gap = ObservationPace.Gap(look.Calls, floor, options.ObservationCallsPerSecond / projectsOfToken, first.Api.PacedInterval, RequestBudget.ConfirmShare);
            paced[(first.Token.Fingerprint, first.ProjectId)] = (started + gap, gap);
        }
        catch (NorthflankApiException e) when (!e.IsTransient)
        {
            // The project cannot be listed at all (gone, or the token lost access): no later round would tell more, so
            // each waiting Sandbox's reconcile decides now (it reports the failure, or lets a deleting Sandbox go).
            foreach (var (record, waiter) in group)
            {
                Wake(record, waiter, wake);
            }

            return;
        }
        catch (NorthflankApiException)
        {
            // Already retried by the client. The next round tries again; if the project stays unreadable, each waiting
            // Sandbox's fallback requeue runs its reconcile, which reports the failure in its status.
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }

        foreach (var (record, waiter) in group)
        {
            // A waiter newer than the list may already have seen more than it shows.
            if (waiter.Since <= started && waiter.WakeWhen(services.GetValueOrDefault(waiter.ServiceId)))
            {
                Wake(record, waiter, wake, wokenBy: started);
            }
        }
    }

    /// <summary>
    /// Wakes only the waiter this list judged: one registered meanwhile by a newer reconcile stays. The woken reconcile
    /// may read the look that judged it (<paramref name="wokenBy"/>, when it started): in a project of many pages it is
    /// seconds old by the time the reconcile runs, and a reconcile that listed again for itself would pay every page per
    /// Sandbox woken, holding its worker meanwhile.
    /// </summary>
    private static void Wake(SandboxRecord record, ProgressWaiter waiter, Action<string, string> wake, DateTimeOffset? wokenBy = null)
    {
        if (record.TryClearWaiter(waiter))
        {
            record.WokenBy = wokenBy;
            wake(waiter.Namespace, waiter.Name);
        }
    }
}
