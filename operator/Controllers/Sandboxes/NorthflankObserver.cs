using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Decides how to look at a Sandbox's service for the least Northflank calls: from the project's shared service
/// list (status and tags of up to 100 services a call) wherever it can tell, and with a GET only for the slow drift
/// check, which compares image, plan, instances and ports. A list used after a write must have started after it.
/// While a service is changing, the <see cref="ProgressWatch"/> wakes its Sandbox when the list shows a change.
/// </summary>
public sealed class NorthflankObserver(ServiceListCache lists, ProgressWatch progress, ReconcilerOptions options, TimeProvider time)
{
    private static readonly TimeSpan NaiveSettledInterval = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastWrites = new();

    public async Task<Observation> ObserveAsync(INorthflankApi api, NorthflankToken token, Sandbox sandbox, DesiredState desired, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var status = sandbox.Status;
        var full = options.Observation == ObservationMode.Naive || DriftCheckDue(status, now);
        ServiceDetails? service;
        if (full)
        {
            service = await api.GetServiceAsync(desired.ProjectId, desired.ServiceName, RequestPriority.Background, ct);
            service = service is { ServicePaused: null } ? service with { ServicePaused = status?.OperatingMode == OperatingModes.Paused } : service;
        }
        else
        {
            var maxAge = IsSettled(status) ? options.SettledPollInterval : options.ProgressPollInterval;
            var notBefore = Later(now - maxAge, lastWrites.GetValueOrDefault(SandboxKey.Of(sandbox)));
            var services = await lists.GetAsync(api, token, desired.ProjectId, notBefore, ct);
            service = services.TryGetValue(desired.ServiceName, out var summary) ? FromSummary(summary, status) : null;
        }

        VolumeDetails? volume = null;
        if (desired.Volume is not null)
        {
            volume = status?.VolumeId is { } known
                ? new VolumeDetails { Id = known, Name = known }
                : await api.GetVolumeAsync(desired.ProjectId, desired.Volume.Name, RequestPriority.Observe, ct);
        }

        return new Observation(service, volume) { Full = full };
    }

    /// <summary>A write makes every list that started before it too old for this Sandbox.</summary>
    public void RecordWrite(Sandbox sandbox) => lastWrites[SandboxKey.Of(sandbox)] = time.GetUtcNow();

    public void Forget(Sandbox sandbox)
    {
        lastWrites.TryRemove(SandboxKey.Of(sandbox), out _);
        progress.Stop(sandbox);
    }

    /// <summary>No progress to wait for (the spec is rejected until it changes).</summary>
    public void StopWatching(Sandbox sandbox) => progress.Stop(sandbox);

    /// <summary>
    /// When to look again. While Northflank is changing, batched mode leaves the next look to the progress watch
    /// (woken by the first list that shows the service changed) and requeues only as a fallback; naive mode
    /// looks again after the progress interval. Settled Sandboxes are looked at on the settled pace, the drift
    /// check or expiry, whichever is first.
    /// </summary>
    /// <param name="wrote">This reconcile changed the service, so its answer is no settled state to compare lists with.</param>
    public TimeSpan ScheduleNextLook(Sandbox sandbox, INorthflankApi api, NorthflankToken token, DesiredState desired, ServiceDetails? seen, bool wrote, ConditionVerdict ready, SandboxStatus status, DateTimeOffset now)
    {
        if (options.Observation == ObservationMode.Batched && Readiness.InProgress(ready))
        {
            progress.WaitForChange(sandbox, api, token, desired.ProjectId, desired.ServiceName, seen?.Status, afterWrite: wrote);
            return options.ProgressFallbackInterval;
        }

        progress.Stop(sandbox);
        return NextLook(ready, status, desired, now);
    }

    /// <summary>When to look again without the progress watch.</summary>
    private TimeSpan NextLook(ConditionVerdict ready, SandboxStatus status, DesiredState desired, DateTimeOffset now)
    {
        if (Readiness.InProgress(ready))
        {
            return options.ProgressPollInterval;
        }

        var next = options.Observation == ObservationMode.Naive ? NaiveSettledInterval : options.SettledPollInterval;
        if (status.LastDriftCheck is { } checkedAt && checkedAt + options.DriftCheckInterval - now is var untilDrift && untilDrift < next)
        {
            next = untilDrift;
        }

        if (desired.ExpiresAt is { } expiry && !desired.Expired && expiry - now < next)
        {
            // Land exactly at expiry rather than polling for it.
            next = expiry - now;
        }

        return next < TimeSpan.Zero ? TimeSpan.Zero : next;
    }

    private bool DriftCheckDue(SandboxStatus? status, DateTimeOffset now) =>
        status?.ServiceId is not null && IsSettled(status)
        && (status.LastDriftCheck is not { } checkedAt || now - checkedAt >= options.DriftCheckInterval);

    private static bool IsSettled(SandboxStatus? status) =>
        Conditions.Find(status?.Conditions, ConditionTypes.Ready) is { } ready
        && Conditions.Find(status?.Conditions, ConditionTypes.Synced)?.Status == "True"
        && !Readiness.InProgress(new ConditionVerdict(ready.Status, ready.Reason, ready.Message));

    /// <summary>
    /// The list has no paused flag or instance count: the paused state is what the operator last knew, from a GET or its
    /// own pause or resume (status.operatingMode is written from nothing else).
    /// </summary>
    private static ServiceDetails FromSummary(ServiceSummary summary, SandboxStatus? status) => new(summary)
    {
        ServicePaused = status?.OperatingMode == OperatingModes.Paused,
    };

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

}
