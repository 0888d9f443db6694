using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank.FlowControl;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// One reconcile of a Sandbox, live or being deleted, Crossplane-style: decide what can be decided at once, connect
/// (resolve config, token and inputs), take one of the token's worker slots, look at Northflank, plan, carry the plan
/// out, then write the status the outcome calls for (<see cref="SandboxStatusBuilder"/>) and say when to look again.
/// Every decision is the <see cref="SandboxPlanner"/>'s; what is remembered between reconciles is the Sandbox's
/// <see cref="SandboxRecord"/>.
/// </summary>
public sealed class SandboxReconciler(
    SandboxConnector connector,
    SandboxExecutor executor,
    SandboxMemory memory,
    SandboxAdmission admission,
    ProgressWatch progress,
    ISandboxWriter writer,
    ReconcilerOptions options,
    TimeProvider time,
    ILogger<SandboxReconciler> logger)
{
    /// <summary>Delete attempts in a row that found Northflank unavailable before a Warning says so.</summary>
    public const int DeleteFailuresBeforeWarning = 3;

    public async Task<SandboxResult> ReconcileAsync(Sandbox sandbox, CancellationToken ct)
    {
        var record = memory.For(sandbox);
        sandbox = record.Newest(sandbox);
        var recorded = RecordedService.Of(sandbox, record);
        var outcome = SandboxPlanner.Admit(sandbox, recorded);
        Connection? connection = null;
        if (outcome is null)
        {
            connection = await connector.ConnectAsync(sandbox, record, recorded, ct);
            outcome = connection is Connection.Reached reached
                ? await OnTokenAsync(sandbox, record, reached, ct)
                : SandboxPlanner.Connected(sandbox, connection) ?? throw new InvalidOperationException("only a reached connection is decided after a look");
        }

        if (outcome is Refused && RecordedService.Of(sandbox, record) is null)
        {
            // Refused before anything was created: it holds no place in its config's maxSandboxes.
            admission.Release(sandbox);
        }

        return await FinishAsync(sandbox, record, connection, outcome, ct);
    }

    /// <summary>Drops all that is remembered of a Sandbox that is gone from the cluster.</summary>
    public void Forget(Sandbox sandbox)
    {
        memory.Forget(sandbox);
        admission.Release(sandbox);
    }

    /// <summary>Looks, plans and executes within one of the token's worker slots.</summary>
    private async Task<SandboxOutcome> OnTokenAsync(Sandbox sandbox, SandboxRecord record, Connection.Reached connection, CancellationToken ct)
    {
        var use = connection.Use;
        var slotHolder = SandboxKey.Caller(sandbox);

        // A delete the shared list in hand confirms needs no call: it must not queue for a slot behind the mass delete
        // whose DELETEs hold the token's slots while they wait for its budget.
        var confirmed = record.DeleteSentAt is { } sentAt && connection.External.DeleteConfirmed(sentAt);
        if (confirmed)
        {
            use.Leave(slotHolder);
        }
        else if (!use.TryEnter(slotHolder, sandbox.Metadata.NamespaceProperty))
        {
            return new Parked();
        }

        try
        {
            // Put off by the token's budget, this Sandbox keeps its place in line however often it is woken meanwhile.
            using var caller = BudgetCaller.Is(record.Key, sandbox.Metadata.NamespaceProperty);
            var now = time.GetUtcNow();
            var looked = await SandboxExecutor.ObserveAsync(record, connection, LookSchedule.Choose(sandbox, record, options, now), ct);
            if (!looked.IsDone)
            {
                return SandboxExecutor.Failed(sandbox, connection, looked);
            }

            var plan = SandboxPlanner.Plan(sandbox, connection, looked.Observed, record.DeleteSentAt, now);
            return await executor.RunAsync(sandbox, record, connection, looked.Observed, plan, ct);
        }
        finally
        {
            if (!confirmed)
            {
                use.Exit();
            }
        }
    }

    private async Task<SandboxResult> FinishAsync(Sandbox sandbox, SandboxRecord record, Connection? connection, SandboxOutcome outcome, CancellationToken ct)
    {
        outcome = CountDeleteFailures(sandbox, record, outcome);
        foreach (var reported in outcome.Events)
        {
            logger.LogInformation("Sandbox {Namespace}/{Name}: {Reason}: {Message}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, reported.Reason, reported.Message);
            writer.Record(sandbox, reported);
        }

        var now = time.GetUtcNow();
        var status = SandboxStatusBuilder.Build(sandbox, outcome, now);
        if (status is not null)
        {
            await WriteStatusAsync(sandbox, record, status, quietly: outcome is Unavailable, ct);
        }

        return Schedule(sandbox, record, connection, outcome, status ?? sandbox.Status, now);
    }

    /// <summary>A delete that keeps finding Northflank unavailable gets a Warning once, after a few attempts.</summary>
    private static SandboxOutcome CountDeleteFailures(Sandbox sandbox, SandboxRecord record, SandboxOutcome outcome)
    {
        if (sandbox.Metadata.DeletionTimestamp is null || outcome is not Unavailable unavailable)
        {
            record.DeleteFailures = 0;
            return outcome;
        }

        return ++record.DeleteFailures == DeleteFailuresBeforeWarning
            ? outcome with { Events = [SandboxEvent.Warn("DeleteFailing", $"the delete has failed {record.DeleteFailures} times in a row: {unavailable.Message}")] }
            : outcome;
    }

    /// <summary>When to look again, and what the progress watch should wake the Sandbox on meanwhile.</summary>
    private SandboxResult Schedule(Sandbox sandbox, SandboxRecord record, Connection? connection, SandboxOutcome outcome, SandboxStatus? status, DateTimeOffset now)
    {
        if (outcome is not Parked)
        {
            // A parked reconcile looked at nothing: what the last one waits for, and the look that woke it, still hold.
            record.Waiter = null;
            record.WokenBy = null;
        }

        switch (outcome)
        {
            case Applied applied when options.Observation == ObservationMode.Batched && Readiness.InProgress(applied.Ready) && connection is Connection.Reached reached:
                // Woken by the first shared list that shows the service changed; the requeue is only a fallback.
                progress.WaitForChange(record, sandbox, reached.Use.Api, reached.Token, reached.Target, applied.Observed.Service?.Status, afterWrite: applied.Changes.Count > 0);
                return SandboxResult.After(progress.Fallback(reached.Token, reached.Target.ProjectId));
            case Applied applied:
                return SandboxResult.After(LookSchedule.Next(applied.Ready, status, applied.Desired, options, now));
            case Deleting { Blocked: null } when connection is Connection.Reached reached:
                progress.Wait(record, sandbox, reached.Use.Api, reached.Token, reached.Target, listed => listed is null);
                return SandboxResult.After(progress.Fallback(reached.Token, reached.Target.ProjectId));
            case Refused or Deleting:
                return SandboxResult.After(options.InvalidInputRetryInterval);
            case Throttled throttled:
                // Not a failure: the token serves this Sandbox then, and the worker is free meanwhile.
                return SandboxResult.After(throttled.ServedAt - now);
            case Unavailable unavailable:
                return new SandboxResult { Error = unavailable.Error };
            case Parked:
                // Woken when the token has a worker free; this requeue only if the wake is lost.
                return SandboxResult.After(options.ProgressFallbackInterval);
            case Released:
                return new SandboxResult { Released = true };
            default:
                return SandboxResult.Idle;
        }
    }

    /// <summary>
    /// Writes status conditional on the resourceVersion the reconcile read (a conflict is thrown for a retry on fresh
    /// data, never overwritten), and remembers it until the watch brings it back (see <see cref="SandboxRecord.Newest"/>).
    /// </summary>
    private async Task WriteStatusAsync(Sandbox sandbox, SandboxRecord record, SandboxStatus status, bool quietly, CancellationToken ct)
    {
        record.ReadyReason = Conditions.Find(status.Conditions, ConditionTypes.Ready)?.Reason ?? record.ReadyReason;
        if (SandboxStatusBuilder.Same(sandbox.Status, status))
        {
            return;
        }

        try
        {
            var version = await writer.WriteStatusAsync(sandbox, status, ct);
            record.Wrote(sandbox.Metadata.ResourceVersion, version, status);
        }
        catch (Exception e) when (quietly && e is not OperationCanceledException)
        {
            // The outage is what the work queue backs off for; a status that could not say so is not another failure.
            logger.LogDebug("status write after a transient failure failed: {Type}", e.GetType().Name);
        }
    }
}
