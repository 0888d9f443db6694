using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// How and when to look at a Sandbox's service for the least Northflank calls: from the project's shared service list
/// wherever it can tell, with a GET only for the slow drift check (image, plan, instances, ports), and a list used
/// after a write only if it started after it. Pure.
/// </summary>
public static class LookSchedule
{
    private static readonly TimeSpan NaiveSettledInterval = TimeSpan.FromSeconds(30);

    /// <summary>How to look now, with what the record knows that the look needs (the external itself remembers nothing).</summary>
    public static Look Choose(Sandbox sandbox, SandboxRecord record, ReconcilerOptions options, DateTimeOffset now) =>
        HowFresh(sandbox, record, options, now) with { AfterDelete = record.DeleteSentAt is not null, Explained = record.Explained };

    private static Look HowFresh(Sandbox sandbox, SandboxRecord record, ReconcilerOptions options, DateTimeOffset now)
    {
        var status = sandbox.Status;
        if (sandbox.Metadata.DeletionTimestamp is not null)
        {
            // Before the DELETE, whose the service is can come from any list that postdates the Sandbox's last write (a
            // mass delete then shares one list); that it is gone only from a recent one. After it, any list that started
            // after the DELETE confirms it (nothing brings the service back), such as the progress watch's that woke it.
            return record.DeleteSentAt is { } sentAt
                ? new Look(Full: false, sentAt)
                : new Look(Full: false, Later(now - options.SettledPollInterval, record.LastWrite)) { AbsentNotBefore = now - options.ProgressPollInterval };
        }

        if (NeverReached(sandbox, record) && options.Observation == ObservationMode.Batched)
        {
            return new Look(Full: false, now) { CreateFirst = true };
        }

        var full = options.Observation == ObservationMode.Naive || DriftCheckDue(status, options, now);
        var maxAge = IsSettled(status) ? options.SettledPollInterval : options.ProgressPollInterval;
        // Woken by the progress watch: its look started after everything the last reconcile saw, however old it is now.
        var oldest = record.WokenBy is { } woken && woken < now - maxAge ? woken : now - maxAge;
        return new Look(full, Later(oldest, record.LastWrite), WantUrls: Endpoints.MissingUrl(sandbox.Spec, status?.Endpoints));
    }

    /// <summary>
    /// When to look again without the progress watch: soon while Northflank is changing; else on the settled pace, the
    /// drift check or expiry, whichever is first.
    /// </summary>
    public static TimeSpan Next(ConditionVerdict ready, SandboxStatus? status, DesiredState desired, ReconcilerOptions options, DateTimeOffset now)
    {
        if (Readiness.InProgress(ready))
        {
            return options.ProgressPollInterval;
        }

        var next = options.Observation == ObservationMode.Naive ? NaiveSettledInterval : options.SettledPollInterval;
        if (status?.LastDriftCheck is { } checkedAt && checkedAt + options.DriftCheckInterval - now is var untilDrift && untilDrift < next)
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

    /// <summary>
    /// Nothing says it ever reached Northflank: no project or service in status, no create sent or write made by this
    /// operator, no service to adopt. (An operator restarted between a create and its status write finds its service
    /// by the create's 409.)
    /// </summary>
    private static bool NeverReached(Sandbox sandbox, SandboxRecord record) =>
        sandbox.Status?.ProjectId is null && sandbox.Status?.ServiceId is null && record.Created is null && record.LastWrite is null
        && Adoption.ServiceId(sandbox) is null;

    private static bool DriftCheckDue(SandboxStatus? status, ReconcilerOptions options, DateTimeOffset now) =>
        status?.ServiceId is not null && IsSettled(status)
        && (status.LastDriftCheck is not { } checkedAt || now - checkedAt >= options.DriftCheckInterval);

    private static bool IsSettled(SandboxStatus? status) =>
        Conditions.Find(status?.Conditions, ConditionTypes.Ready) is { } ready
        && Conditions.Find(status?.Conditions, ConditionTypes.Synced)?.Status == "True"
        && !Readiness.InProgress(new ConditionVerdict(ready.Status, ready.Reason, ready.Message));

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;
}
