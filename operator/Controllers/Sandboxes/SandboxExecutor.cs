using System.Globalization;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Carries out a plan's changes through the Sandbox's <see cref="ISandboxExternal"/> (and, for expiry, the cluster), in
/// order, and says how it ended: with what Northflank now holds and the Ready verdict on it, or how a call failed.
/// It makes every call of the external (the look too), and notes what each reports into the Sandbox's
/// <see cref="SandboxRecord"/> (<see cref="SandboxRecord.Note"/>): the external itself remembers nothing.
/// </summary>
public sealed class SandboxExecutor(ISandboxWriter writer, TimeProvider time)
{
    /// <summary>Looks at what Northflank holds for the Sandbox, and remembers what the look learned.</summary>
    public static async Task<ExternalResult> ObserveAsync(SandboxRecord record, Connection.Reached connection, Look look, CancellationToken ct) =>
        Noted(record, await connection.External.ObserveAsync(look, ct));

    public async Task<SandboxOutcome> RunAsync(Sandbox sandbox, SandboxRecord record, Connection.Reached connection, Observation observed, SandboxPlan plan, CancellationToken ct)
    {
        if (plan.Outcome is { } decided)
        {
            return decided;
        }

        var changes = plan.Changes;
        return (changes, connection) switch
        {
            (_, Connection.Live live) when changes.Any(c => c is DeleteSandbox) => await ExpireAsync(sandbox, live.Desired, ct),
            ([DeleteService], _) => await DeleteAsync(sandbox, record, connection, observed, ct),
            ([ReleaseService], _) => await ReleaseAsync(sandbox, record, connection, observed, ct),
            (_, Connection.Live live) => await ApplyAsync(sandbox, record, live, observed, changes, ct),
            _ => throw new ArgumentException("only a live Sandbox's plan applies or expires it", nameof(plan)),
        };
    }

    /// <summary>How a failed call ends the reconcile; an outage also asks the token's circuit to wake the Sandbox when it is over.</summary>
    public static SandboxOutcome Failed(Sandbox sandbox, Connection.Reached connection, ExternalResult result)
    {
        switch (result.Status)
        {
            case ExternalStatus.Throttled:
                var at = result.ServedAt!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                return new Throttled($"waiting for Northflank token {connection.Use.Fingerprint}: {result.Message}; served at {at}", result.ServedAt.Value);
            case ExternalStatus.Transient:
                var woken = connection.Use.WakeOnRecovery(SandboxKey.Caller(sandbox));
                var retry = woken ? "retrying as soon as Northflank answers the token again" : "retrying with backoff";
                return new Unavailable($"{result.Message}: {retry}", result.Error!, woken);
            default:
                // Rejected, not found or foreign: the planner knows what that means for a live or a deleting Sandbox.
                return SandboxPlanner.Refusal(sandbox, connection.Target, result);
        }
    }

    /// <summary>Sends the DELETE; the next look that no longer finds the service releases the Sandbox.</summary>
    private static async Task<SandboxOutcome> DeleteAsync(Sandbox sandbox, SandboxRecord record, Connection.Reached connection, Observation observed, CancellationToken ct)
    {
        var deleted = Noted(record, await connection.External.DeleteAsync(observed, ct));
        return deleted.IsDone ? SandboxPlanner.AwaitingDelete(connection.Target) : Failed(sandbox, connection, deleted);
    }

    /// <summary>Replaces the marker; the finalizer goes once it is.</summary>
    private static async Task<SandboxOutcome> ReleaseAsync(Sandbox sandbox, SandboxRecord record, Connection.Reached connection, Observation observed, CancellationToken ct)
    {
        var released = Noted(record, await connection.External.ReleaseAsync(observed, ct));
        return released.IsDone ? SandboxPlanner.Orphaned(connection.Target) : Failed(sandbox, connection, released);
    }

    /// <summary>The Sandbox's shutdown time has come and its policy is Delete: the Sandbox itself goes.</summary>
    private async Task<SandboxOutcome> ExpireAsync(Sandbox sandbox, DesiredState desired, CancellationToken ct)
    {
        await writer.DeleteSandboxAsync(sandbox, ct);
        var message = $"shutdown time {desired.ExpiresAt:O} reached at {time.GetUtcNow():O}; deleting the Sandbox (shutdownPolicy Delete)";
        return new SandboxDeleted { Events = [SandboxEvent.Normal("Expired", message)] };
    }

    /// <summary>The changes one verb each, in the plan's order, up to the first that fails.</summary>
    private static async Task<SandboxOutcome> ApplyAsync(
        Sandbox sandbox, SandboxRecord record, Connection.Live connection, Observation observed, IReadOnlyList<SandboxChange> changes, CancellationToken ct)
    {
        var desired = connection.Desired;
        foreach (var change in changes)
        {
            if (Call(connection.External, change, desired, observed, ct) is not { } call)
            {
                continue;
            }

            var done = Noted(record, await call);
            if (!done.IsDone)
            {
                return Failed(sandbox, connection, done);
            }

            observed = done.Observed;
        }

        var ready = Readiness.Evaluate(desired, observed.Service, changes, observed.FailureDetail);
        return new Applied(desired, observed, changes, ready) { Events = [.. changes.Select(c => Describe(c, desired)), .. ReadyEvents(sandbox, ready)] };
    }

    /// <summary>The external's verb for a change; none for the volume of a service still to be created, which its create makes.</summary>
    private static Task<ExternalResult>? Call(ISandboxExternal external, SandboxChange change, DesiredState desired, Observation observed, CancellationToken ct) =>
        change switch
        {
            ApplyService { Create: true } => external.CreateAsync(desired, observed, ct),
            ApplyService => external.UpdateAsync(desired, observed, ct),
            CreateVolume when observed.Service is not null => external.AddVolumeAsync(desired, observed, ct),
            PauseService => external.PauseAsync(observed, ct),
            ResumeService => external.ResumeAsync(desired, observed, ct),
            _ => null,
        };

    private static ExternalResult Noted(SandboxRecord record, ExternalResult result)
    {
        record.Note(result);
        return result;
    }

    private static SandboxEvent Describe(SandboxChange change, DesiredState desired) => SandboxEvent.Normal(change.EventReason, change switch
    {
        ApplyService { Create: true } => $"created Northflank service {desired.ServiceName} in project {desired.ProjectId}",
        ApplyService update => $"updated Northflank service {desired.ServiceName}: {update.Why}",
        CreateVolume => $"created volume {desired.Volume?.Name}",
        PauseService => $"paused service {desired.ServiceName}",
        ResumeService => $"resumed service {desired.ServiceName}",
        _ => change.EventReason,
    });

    /// <summary>A Warning when a deployment fails (once per failure), a Normal event when the Sandbox becomes Ready.</summary>
    private static IEnumerable<SandboxEvent> ReadyEvents(Sandbox sandbox, ConditionVerdict ready)
    {
        var previous = Conditions.Find(sandbox.Status?.Conditions, ConditionTypes.Ready);
        if (ready.Reason == ReadyReasons.DeploymentFailed && previous?.Reason != ReadyReasons.DeploymentFailed)
        {
            yield return SandboxEvent.Warn(ReadyReasons.DeploymentFailed, ready.Message);
        }
        else if (ready.IsTrue && previous?.Status != "True")
        {
            yield return SandboxEvent.Normal(ready.Reason, ready.Message);
        }
    }
}
