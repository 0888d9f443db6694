using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Watches the Sandboxes whose Northflank service is still changing (deploying, pausing, being deleted) through
/// each project's shared service list, and wakes exactly those whose service changed: one list call per project
/// and poll interval, and one reconcile per change, however many Sandboxes are waiting. Without it every waiting
/// Sandbox would have to be re-queued on its own each poll interval, which costs a reconcile each even when the
/// list shows nothing new (a thousand a second with a thousand Sandboxes deploying).
/// </summary>
public sealed class ProgressWatch(ServiceListCache lists, ReconcilerOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Waiter> waiting = new();
    private readonly ConcurrentDictionary<(string Token, string Project), byte> polling = new();

    public int Count => waiting.Count;

    /// <summary>
    /// Wakes <paramref name="sandbox"/> on the first list, started after this call, for which
    /// <paramref name="wakeWhen"/> holds (it gets the service as listed, or null when it is not listed).
    /// </summary>
    public void Wait(Sandbox sandbox, INorthflankApi api, NorthflankToken token, string projectId, string serviceId, Func<ServiceSummary?, bool> wakeWhen) =>
        waiting[SandboxKey.Of(sandbox)] = new Waiter(
            SandboxKey.Of(sandbox), sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, api, token, projectId, serviceId, wakeWhen, time.GetUtcNow());

    /// <summary>
    /// Wakes <paramref name="sandbox"/> when its service's deployment state differs from <paramref name="seen"/>, or
    /// the service is gone. After a write it also wakes on a settled state (COMPLETED or FAILED) equal to the one the
    /// write answered: that answer may predate the deployment the write started, and only a new look can tell.
    /// </summary>
    public void WaitForChange(Sandbox sandbox, INorthflankApi api, NorthflankToken token, string projectId, string serviceId, ServiceStatus? seen, bool afterWrite) =>
        Wait(sandbox, api, token, projectId, serviceId, listed => listed is null || listed.Status != seen || (afterWrite && Settled(listed.Status)));

    private static bool Settled(ServiceStatus? status) =>
        status?.Deployment?.Status is DeploymentStates.Completed or DeploymentStates.Failed;

    public void Stop(Sandbox sandbox) => waiting.TryRemove(SandboxKey.Of(sandbox), out _);

    /// <summary>Lists every project that has a waiting Sandbox once per poll interval, and wakes those it concerns.</summary>
    public async Task RunAsync(Action<string, string> wake, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.ProgressPollInterval, time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            _ = PollOnceAsync(wake, ct);
        }
    }

    /// <summary>
    /// One round: a fresh list for each project with waiters whose previous round has finished. Rounds run on their
    /// own, so a token waiting for its budget (or a slow project) holds up no other token's or project's round.
    /// </summary>
    public Task PollOnceAsync(Action<string, string> wake, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var rounds = new List<Task>();
        foreach (var group in waiting.Values.GroupBy(w => (w.Token.Fingerprint, w.ProjectId)))
        {
            if (!polling.TryAdd(group.Key, 0))
            {
                continue;
            }

            var waiters = group.ToList();
            rounds.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await PollProjectAsync(waiters, started, wake, ct);
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

    private async Task PollProjectAsync(IReadOnlyList<Waiter> group, DateTimeOffset started, Action<string, string> wake, CancellationToken ct)
    {
        var first = group[0];
        IReadOnlyDictionary<string, ServiceSummary> services;
        try
        {
            services = await lists.GetAsync(first.Api, first.Token, first.ProjectId, started, ct);
        }
        catch (NorthflankApiException e) when (!e.IsTransient)
        {
            // The project cannot be listed at all (gone, or the token lost access): no later round would tell more, so
            // each waiting Sandbox's reconcile decides now (it reports the failure, or lets a deleting Sandbox go).
            foreach (var waiter in group)
            {
                waiting.TryRemove(new KeyValuePair<string, Waiter>(waiter.Key, waiter));
                wake(waiter.Namespace, waiter.Name);
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

        foreach (var waiter in group)
        {
            // A waiter newer than the list may already have seen more than it shows.
            if (waiter.Since > started || !waiter.WakeWhen(services.GetValueOrDefault(waiter.ServiceId)))
            {
                continue;
            }

            // Only the waiter this list judged: one registered meanwhile by a newer reconcile stays.
            waiting.TryRemove(new KeyValuePair<string, Waiter>(waiter.Key, waiter));
            wake(waiter.Namespace, waiter.Name);
        }
    }

    private sealed record Waiter(
        string Key, string Namespace, string Name, INorthflankApi Api, NorthflankToken Token, string ProjectId, string ServiceId,
        Func<ServiceSummary?, bool> WakeWhen, DateTimeOffset Since);
}
