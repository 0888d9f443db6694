using System.Text.Json;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The one place a Sandbox's status is computed: from how its reconcile ended. Pure. Null when the outcome writes no
/// status (parked, released, the Sandbox deleted) or changes nothing users should see.
/// </summary>
public static class SandboxStatusBuilder
{
    public static SandboxStatus? Build(Sandbox sandbox, SandboxOutcome outcome, DateTimeOffset now)
    {
        var deleting = sandbox.Metadata.DeletionTimestamp is not null;
        return outcome switch
        {
            Applied applied => FromApplied(sandbox, applied, now),
            // Its template gone for a while: the service runs what this generation asked, and Ready still says so.
            Refused { ServiceUnaffected: true } refused when RunsThisGeneration(sandbox) => With(sandbox, now, ready: null, ConditionVerdict.False(refused.Reason, refused.Message)),
            Refused refused => With(sandbox, now, ConditionVerdict.False(refused.Reason, refused.Message), ConditionVerdict.False(refused.Reason, refused.Message), observed: true),
            // A settled Sandbox's look can wait quietly: Ready for this generation stays as it is.
            Throttled when ReadyForGeneration(sandbox) => null,
            Throttled throttled => With(sandbox, now, ConditionVerdict.False(ReadyReasons.Throttled, throttled.Message), synced: null),
            Unavailable unavailable when deleting => With(
                sandbox, now, ConditionVerdict.False(ReadyReasons.Deleting, $"deleting: {unavailable.Message}"), ConditionVerdict.False(SyncedReasons.NorthflankUnavailable, unavailable.Message)),
            Unavailable unavailable => With(sandbox, now, ready: null, ConditionVerdict.False(SyncedReasons.NorthflankUnavailable, unavailable.Message)),
            Deleting waiting => With(
                sandbox, now, ConditionVerdict.False(ReadyReasons.Deleting, waiting.Message), waiting.Blocked is { } reason ? ConditionVerdict.False(reason, waiting.Message) : null),
            _ => null,
        };
    }

    private static SandboxStatus FromApplied(Sandbox sandbox, Applied applied, DateTimeOffset now)
    {
        var (desired, observed) = (applied.Desired, applied.Observed);
        var generation = sandbox.Metadata.Generation;
        var conditions = Conditions.With(sandbox.Status?.Conditions, ConditionTypes.Ready, applied.Ready, generation, now);
        conditions = Conditions.With(conditions, ConditionTypes.Synced, ConditionVerdict.True(SyncedReasons.Synced, "spec applied to Northflank"), generation, now);
        // A look through the project's list carries no ports: the endpoints stay as the last whole look saw them.
        var service = observed.Service;
        var endpoints = service?.Ports is { } ports ? Endpoints.From(sandbox.Spec, ports) : sandbox.Status?.Endpoints?.ToList() ?? [];
        return new SandboxStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions,
            ProjectId = desired.ProjectId,
            ServiceId = service?.Id,
            Config = desired.Config?.ToStatus() ?? sandbox.Status?.Config,
            VolumeId = observed.Volume?.Id,
            DeploymentStatus = service?.Status?.Deployment?.Status,
            OperatingMode = service is null ? null : service.ServicePaused == true ? OperatingModes.Paused : OperatingModes.Running,
            LastDriftCheck = observed.Full ? now : sandbox.Status?.LastDriftCheck,
            Endpoints = endpoints.Count == 0 ? null : endpoints,
            Url = endpoints.FirstOrDefault(e => e.Url is not null)?.Url,
            ExpiresAt = desired.ExpiresAt,
            AppliedSpecHash = desired.SpecHash,
        };
    }

    /// <summary>The status as it was, with the conditions given (null: left as they are).</summary>
    /// <param name="observed">Whether this generation's spec was judged (a refusal is an answer to it).</param>
    private static SandboxStatus With(Sandbox sandbox, DateTimeOffset now, ConditionVerdict? ready, ConditionVerdict? synced, bool observed = false)
    {
        var status = Copy(sandbox.Status);
        var generation = sandbox.Metadata.Generation;
        if (ready is not null)
        {
            status.Conditions = Conditions.With(status.Conditions, ConditionTypes.Ready, ready, generation, now);
        }

        if (synced is not null)
        {
            status.Conditions = Conditions.With(status.Conditions, ConditionTypes.Synced, synced, generation, now);
        }

        if (observed)
        {
            status.ObservedGeneration = generation;
        }

        return status;
    }

    /// <summary>
    /// Its service was last seen running (or paused) as this generation asks. One still on its way is not said to be
    /// getting there: nobody looks until the template is back.
    /// </summary>
    private static bool RunsThisGeneration(Sandbox sandbox) => sandbox.Status?.ServiceId is not null && ReadyForGeneration(sandbox);

    private static bool ReadyForGeneration(Sandbox sandbox) =>
        Conditions.Find(sandbox.Status?.Conditions, ConditionTypes.Ready) is { Status: "True" } ready && ready.ObservedGeneration == sandbox.Metadata.Generation;

    /// <summary>True when writing <paramref name="next"/> would change nothing.</summary>
    public static bool Same(SandboxStatus? current, SandboxStatus? next)
    {
        static string Canonical(SandboxStatus? s) => s is null ? "" : JsonSerializer.Serialize(s);
        return Canonical(current) == Canonical(next);
    }

    private static SandboxStatus Copy(SandboxStatus? status) =>
        status is null ? new SandboxStatus() : JsonSerializer.Deserialize<SandboxStatus>(JsonSerializer.Serialize(status))!;
}
