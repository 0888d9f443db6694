using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>What to change, or how the reconcile ends without changing anything (<see cref="Outcome"/>).</summary>
public sealed record SandboxPlan(IReadOnlyList<SandboxChange> Changes, SandboxOutcome? Outcome = null)
{
    public static SandboxPlan Ends(SandboxOutcome outcome) => new([], outcome);
}

/// <summary>
/// Every decision of a Sandbox's life, from its spec and what Northflank holds: create, update, pause, resume, expire,
/// and, once it is being deleted, delete and release its finalizer. Pure functions with no I/O, so every decision can
/// be tested without HTTP. Decisions are taken as soon as they can be: before anything is resolved
/// (<see cref="Admit"/>), once the inputs are (<see cref="Connected"/>), and once Northflank has been looked at
/// (<see cref="Plan"/>). Only a service that is the Sandbox's (<see cref="Ownership.Ours"/>) is ever changed or deleted.
/// </summary>
public static partial class SandboxPlanner
{
    /// <summary>A service still there this long after its DELETE gets the DELETE again.</summary>
    public static readonly TimeSpan DeleteRetryAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// What can be decided from the Sandbox and what was recorded of its service alone; null when its inputs must be
    /// resolved first (always, for a deleting Sandbox: see <see cref="SandboxConnector"/> for where a delete may go).
    /// </summary>
    public static SandboxOutcome? Admit(Sandbox sandbox, RecordedService? recorded)
    {
        if (sandbox.Metadata.DeletionTimestamp is not null)
        {
            return null;
        }

        var problems = SpecValidator.Validate(sandbox);
        if (problems.Count > 0)
        {
            return Refuse(SyncedReasons.InvalidSpec, string.Join("; ", problems));
        }

        return Adoption.Conflict(sandbox, recorded) is { } conflict ? Refuse(SyncedReasons.AdoptionRefused, conflict) : null;
    }

    /// <summary>What can be decided once the inputs are resolved; null when Northflank must be looked at (<see cref="Connection.Reached"/>).</summary>
    public static SandboxOutcome? Connected(Sandbox sandbox, Connection connection) => connection switch
    {
        Connection.Reached => null,
        Connection.Refused refused => Refuse(refused.Reason, refused.Message) with { ServiceUnaffected = refused.ServiceUnaffected },
        Connection.Held held => new Held(held.Message),
        Connection.NothingRecorded => new Released(), // Never got as far as Northflank, or nowhere it may be looked for.
        _ when Orphaning(sandbox) => Orphaned(null, "its ownership marker could not be removed: no config, credentials or allowed project to reach it with"),
        Connection.NoCredentials none => Block(
            SyncedReasons.CredentialsNotFound, $"cannot delete the Northflank service: {none.Message} (restore them, or remove the finalizer to orphan it)"),
        Connection.ProjectNotAllowed outside => LetGo(outside.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(connection), connection.GetType().Name, "not a case of Connection"),
    };

    /// <summary>The plan once Northflank has been looked at (a failed look ends in <see cref="SandboxExecutor.Failed"/>).</summary>
    /// <param name="deleteSentAt">When this Sandbox's DELETE was last sent, if it was.</param>
    public static SandboxPlan Plan(Sandbox sandbox, Connection.Reached connection, Observation observed, DateTimeOffset? deleteSentAt, DateTimeOffset now) =>
        (sandbox.Metadata.DeletionTimestamp, connection) switch
        {
            (null, Connection.Live live) => PlanLive(sandbox, live.Desired, live.Target, observed),
            (null, _) => throw new ArgumentException("a live Sandbox is planned with its desired state (Connection.Live)", nameof(connection)),
            _ when Orphaning(sandbox) => PlanRelease(connection.Target, observed),
            _ => PlanDeletion(connection.Target, observed, deleteSentAt, now),
        };

    private static SandboxPlan PlanLive(Sandbox sandbox, DesiredState desired, SandboxTarget target, Observation observed)
    {
        if (desired.Expired && desired.ShutdownPolicy == ShutdownPolicies.Delete)
        {
            return new SandboxPlan([new DeleteSandbox()]);
        }

        if (observed.Owner == Ownership.Foreign)
        {
            var (reason, message) = NameConflicts.Service(sandbox, target);
            return SandboxPlan.Ends(Refuse(reason, message));
        }

        if (observed.VolumeForeign)
        {
            var (reason, message) = NameConflicts.Volume(target);
            return SandboxPlan.Ends(Refuse(reason, message));
        }

        var changes = new List<SandboxChange>();
        var service = observed.Service;
        if (desired.Volume is not null && observed.Volume is null && service is null)
        {
            changes.Add(new CreateVolume()); // First: the service is created mounting it (see NorthflankSandboxExternal.CreateAsync).
        }

        if (service is null)
        {
            changes.Add(new ApplyService(Create: true, "service does not exist"));
        }
        else if (WhyUpdate(sandbox, desired, service) is { } why)
        {
            changes.Add(new ApplyService(Create: false, why));
        }

        if (desired.Volume is not null && observed.Volume is null && service is not null)
        {
            changes.Add(new CreateVolume());
        }

        var paused = service?.ServicePaused == true;
        if (desired.Paused != paused)
        {
            changes.Add(desired.Paused ? new PauseService() : new ResumeService());
        }

        return new SandboxPlan(changes);
    }

    /// <summary>
    /// Deletes only a service that is the Sandbox's; lets the Sandbox go once nothing of its is left, or when nothing can
    /// be (its project is gone, its token refused, the name taken by another's service), saying what may remain.
    /// </summary>
    private static SandboxPlan PlanDeletion(SandboxTarget target, Observation observed, DateTimeOffset? sentAt, DateTimeOffset now) =>
        observed.Owner switch
        {
            Ownership.Absent when sentAt is not null => SandboxPlan.Ends(Deleted(target, observed.Volume)),
            Ownership.Absent => SandboxPlan.Ends(new Released()),
            Ownership.Foreign => SandboxPlan.Ends(new Released
            {
                Events = [SandboxEvent.Warn("DeleteRefused", $"service {target.ServiceName} in project {target.ProjectId} does not carry this Sandbox's ownership marker; it was left alone")],
            }),
            _ when DeleteDue(sentAt, now) => new SandboxPlan([new DeleteService()]),
            _ => SandboxPlan.Ends(AwaitingDelete(target)),
        };

    /// <summary>Whether deleting this Sandbox leaves its service on Northflank (deletionPolicy Orphan).</summary>
    public static bool Orphaning(Sandbox sandbox) => Adoption.DeletionPolicy(sandbox) == DeletionPolicies.Orphan;

    /// <summary>Releases a service that is the Sandbox's (its marker replaced); anything else is only left alone.</summary>
    private static SandboxPlan PlanRelease(SandboxTarget target, Observation observed) => observed.Owner == Ownership.Ours
        ? new SandboxPlan([new ReleaseService()])
        : SandboxPlan.Ends(Orphaned(target, observed.Owner == Ownership.Absent ? "it was not there any more" : "it does not carry this Sandbox's ownership marker"));

    /// <summary>The finalizer goes, leaving the service on Northflank; <paramref name="note"/> says what was (not) done to it.</summary>
    public static Released Orphaned(SandboxTarget? target, string? note = null)
    {
        var where = target is null ? "its service" : $"service {target.ServiceName} in project {target.ProjectId}";
        var marker = note is null ? "; its ownership marker was replaced, so no orphan collection takes it" : $"; {note}";
        return new() { Events = [SandboxEvent.Normal("Orphaned", $"left {where} on Northflank (deletion policy Orphan){marker}")] };
    }

    /// <summary>
    /// What Northflank's refusal (a 4xx, a project not found, a name taken) means: for a live Sandbox, Synced=False until
    /// something changes; for a deleting one, letting it go when nothing can be deleted (project gone, token refused),
    /// else waiting for a change.
    /// </summary>
    public static SandboxOutcome Refusal(Sandbox sandbox, SandboxTarget target, ExternalResult result) =>
        sandbox.Metadata.DeletionTimestamp is null ? Refuse(result.Reason!, result.Message!) : DeletionFailed(target, result);

    private static SandboxOutcome DeletionFailed(SandboxTarget target, ExternalResult result) => result.Status switch
    {
        ExternalStatus.NotFound => LetGo($"project {target.ProjectId} is not on Northflank any more (deleted?); nothing is left to delete there"),
        ExternalStatus.Rejected when result.Reason == SyncedReasons.Unauthorized =>
            LetGo($"Northflank refused the token ({result.Message}); service {target.ServiceName} in project {target.ProjectId} may be left on Northflank"),
        _ => Block(SyncedReasons.DeleteFailed, $"Northflank refused the delete: {result.Message}"),
    };

    /// <summary>Northflank confirmed the service gone: the finalizer goes, saying so of a volume left under its name.</summary>
    private static Released Deleted(SandboxTarget target, VolumeDetails? left)
    {
        var deleted = SandboxEvent.Normal("Deleted", $"deleted Northflank service {target.ServiceName}{(target.VolumeName is null ? "" : " and its volume")} in project {target.ProjectId}");
        return left is null
            ? new() { Events = [deleted] }
            : new() { Events = [deleted, SandboxEvent.Warn("VolumeLeft", $"volume {target.VolumeName} in project {target.ProjectId} is not attached to this Sandbox's service, so it was left on Northflank")] };
    }

    public static Deleting AwaitingDelete(SandboxTarget target) =>
        new($"waiting for Northflank to confirm that service {target.ServiceName} in project {target.ProjectId} is deleted");

    /// <summary>Whether a DELETE sent at <paramref name="sentAt"/> and not yet confirmed should be sent again.</summary>
    public static bool DeleteDue(DateTimeOffset? sentAt, DateTimeOffset now) => sentAt is not { } at || now - at >= DeleteRetryAfter;

    public static Refused Refuse(string reason, string message) => new(reason, message) { Events = [SandboxEvent.Warn(reason, message)] };

    private static Deleting Block(string reason, string message) => new(message, reason) { Events = [SandboxEvent.Warn(reason, message)] };

    /// <summary>Releases the finalizer although nothing could be confirmed: holding the namespace forever helps nobody.</summary>
    private static Released LetGo(string message) => new() { Events = [SandboxEvent.Warn("DeleteUnconfirmed", message)] };
}
