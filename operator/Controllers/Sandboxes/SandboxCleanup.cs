using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Deletes what a Sandbox created on Northflank (deletion policy Delete) and says when all of it is confirmed gone,
/// which is when the finalizer may be removed. Nothing in status is trusted for a delete: the target is the Sandbox's
/// own name (or its valid adoption annotation), in a project its config allows, and it is read first: only a service
/// carrying this Sandbox's ownership marker (or an adopted one without another's marker) is deleted; its attached volume
/// goes with it. Returns null when done, else when to look again; transient Northflank failures are thrown for backoff.
/// A project that is gone, or a token Northflank refuses, lets the Sandbox go with a Warning saying what may be left.
/// Like a reconcile, a delete holds one of its token's worker slots, and is woken when Northflank answers again after an outage.
/// </summary>
public sealed class SandboxCleanup(
    INorthflankApiFactory northflank,
    InputResolver inputs,
    AccessResolver access,
    CredentialMemory credentials,
    ServiceListCache lists,
    ProgressWatch progress,
    ISandboxStatusWriter statusWriter,
    ISandboxEventSink events,
    ReconcilerOptions options,
    TimeProvider time,
    ILogger<SandboxCleanup> logger)
{
    /// <summary>A service still listed this long after its DELETE gets the DELETE again.</summary>
    private static readonly TimeSpan DeleteRetryAfter = TimeSpan.FromMinutes(1);

    // When each Sandbox's DELETE was sent: its absence is then confirmed from a service list started later, which
    // many deletions share, instead of one GET each. Lost on restart, which only costs one repeated (idempotent) DELETE.
    private readonly ConcurrentDictionary<string, DateTimeOffset> deletesSent = new();

    public async Task<TimeSpan?> FinalizeAsync(Sandbox sandbox, CancellationToken ct)
    {
        var serviceId = SandboxNaming.ServiceName(sandbox);
        if (Adoption.DeletionPolicy(sandbox) == DeletionPolicies.Orphan)
        {
            events.Normal(sandbox, "Orphaned", $"left service {serviceId} on Northflank (deletion policy Orphan)");
            return Done(sandbox);
        }

        var (policy, token) = await AccessAsync(sandbox, ct);
        var projectId = sandbox.Status?.ProjectId ?? sandbox.Spec.ProjectId ?? policy?.DefaultProject;
        if (token is null || projectId is null)
        {
            return sandbox.Status?.ProjectId is null && sandbox.Status?.ServiceId is null
                ? Done(sandbox) // Never got as far as Northflank.
                : await BlockedAsync(sandbox, SyncedReasons.CredentialsNotFound, "cannot delete the Northflank service: no config or credentials (restore them, or remove the finalizer to orphan it)", ct);
        }

        if (policy is not null && !policy.AllowsProject(projectId))
        {
            return LetGo(sandbox, $"project {projectId} is not one {policy.Config} allows, so nothing was deleted there");
        }

        var use = northflank.Use(SandboxKey.Of(sandbox), token);
        if (!use.TryEnter(SandboxKey.Caller(sandbox)))
        {
            // The token holds its share of the workers: woken when it has room; this requeue only if the wake is lost.
            return options.ProgressFallbackInterval;
        }

        try
        {
            using var caller = BudgetCaller.Is(SandboxKey.Of(sandbox));
            return await DeleteOnTokenAsync(sandbox, use, token, projectId, serviceId, ct);
        }
        catch (NorthflankApiException e) when (e.IsOutage)
        {
            // Woken the moment Northflank answers the token again; the work queue's backoff is only the fallback.
            use.WakeOnRecovery(SandboxKey.Caller(sandbox));
            throw;
        }
        finally
        {
            use.Exit();
        }
    }

    /// <summary>Deletes within the token's slot; a throttled token or an outage is thrown for a requeue or backoff.</summary>
    private async Task<TimeSpan?> DeleteOnTokenAsync(Sandbox sandbox, TokenUse use, NorthflankToken token, string projectId, string serviceId, CancellationToken ct)
    {
        var api = use.Api;
        try
        {
            if (!await DeleteServiceAsync(api, token, sandbox, projectId, serviceId, ct))
            {
                // Woken by the first shared list that no longer shows the service; the requeue is only a fallback.
                progress.Wait(sandbox, api, token, projectId, serviceId, listed => listed is null);
                return options.ProgressFallbackInterval;
            }

            await ReportLeftVolumeAsync(api, sandbox, projectId, ct);
            events.Normal(sandbox, "Deleted", $"deleted Northflank service {serviceId}{(sandbox.Spec.Volume is null ? "" : " and its volume")}");
            return Done(sandbox);
        }
        catch (NorthflankApiException e) when (e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return LetGo(sandbox, $"Northflank refused the token ({(int)e.Status!}); service {serviceId} in project {projectId} may be left on Northflank");
        }
        catch (NorthflankApiException e) when (e.IsNotFound)
        {
            return LetGo(sandbox, $"project {projectId} is not on Northflank any more (deleted?); nothing is left to delete there");
        }
        catch (NorthflankApiException e) when (!e.IsTransient)
        {
            return await BlockedAsync(sandbox, SyncedReasons.DeleteFailed, $"Northflank refused the delete ({(int?)e.Status}): {e.Message}", ct);
        }
    }

    /// <summary>The config (null when it is gone) and the token to delete with (null when neither config nor memory has one).</summary>
    private async Task<(NorthflankAccess? Policy, NorthflankToken? Token)> AccessAsync(Sandbox sandbox, CancellationToken ct)
    {
        NorthflankAccess? policy = null;
        try
        {
            policy = access.Resolve(sandbox);
            var token = await inputs.ResolveTokenAsync(sandbox, policy, ct);
            credentials.Remember(sandbox, token);
            return (policy, token);
        }
        catch (InvalidInputException)
        {
            // The config or its Secret is gone (e.g. a namespace being deleted): use the token last seen working.
            return (policy, credentials.Recall(sandbox));
        }
    }

    /// <returns>True when the service is confirmed gone (or was never this Sandbox's to delete).</returns>
    private async Task<bool> DeleteServiceAsync(INorthflankApi api, NorthflankToken token, Sandbox sandbox, string projectId, string serviceId, CancellationToken ct)
    {
        var key = SandboxKey.Of(sandbox);
        var now = time.GetUtcNow();
        var sent = deletesSent.TryGetValue(key, out var sentAt);
        // Read the target first, from a list no older than the last DELETE (shared by concurrent deletions).
        var services = await lists.GetAsync(api, token, projectId, sent ? sentAt : now - options.ProgressPollInterval, ct);
        if (!services.TryGetValue(serviceId, out var found))
        {
            return true;
        }

        if (!MayDelete(sandbox, found.Description))
        {
            events.Warning(sandbox, "DeleteRefused", $"service {serviceId} in project {projectId} does not carry this Sandbox's ownership marker; it was left alone");
            return true;
        }

        if (sent && now - sentAt < DeleteRetryAfter)
        {
            return false;
        }

        await api.DeleteServiceAsync(projectId, serviceId, deleteChildObjects: true, ct);
        deletesSent[key] = time.GetUtcNow();
        return false;
    }

    private bool MayDelete(Sandbox sandbox, string? description) =>
        Adoption.ServiceId(sandbox) is null
            ? OwnershipMarker.IsOwnedBy(description, sandbox, options.ClusterId)
            : Adoption.MayTake(description, sandbox, options.ClusterId);

    /// <summary>
    /// The volume went with its service (delete_child_objects). One still there under the Sandbox's volume name is not
    /// attached to the Sandbox's service, so nothing proves it is this Sandbox's: it is left, and said so.
    /// </summary>
    private async Task ReportLeftVolumeAsync(INorthflankApi api, Sandbox sandbox, string projectId, CancellationToken ct)
    {
        if (sandbox.Status?.VolumeId is null && sandbox.Spec.Volume is null)
        {
            return;
        }

        var name = SandboxNaming.VolumeName(sandbox);
        if (await api.GetVolumeAsync(projectId, name, RequestPriority.Write, ct) is not null)
        {
            events.Warning(sandbox, "VolumeLeft", $"volume {name} in project {projectId} is not attached to this Sandbox's service, so it was left on Northflank");
        }
    }

    private TimeSpan? Done(Sandbox sandbox)
    {
        credentials.Forget(sandbox);
        deletesSent.TryRemove(SandboxKey.Of(sandbox), out _);
        progress.Stop(sandbox);
        return null;
    }

    /// <summary>Releases the finalizer although nothing could be confirmed: holding the namespace forever helps nobody.</summary>
    private TimeSpan? LetGo(Sandbox sandbox, string message)
    {
        logger.LogWarning("Sandbox {Namespace}/{Name} released without confirmation: {Message}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, message);
        events.Warning(sandbox, "DeleteUnconfirmed", message);
        return Done(sandbox);
    }

    private async Task<TimeSpan?> BlockedAsync(Sandbox sandbox, string reason, string message, CancellationToken ct)
    {
        logger.LogWarning("Sandbox {Namespace}/{Name} cleanup blocked: {Reason}: {Message}", sandbox.Metadata.NamespaceProperty, sandbox.Metadata.Name, reason, message);
        events.Warning(sandbox, reason, message);
        var status = sandbox.Status ?? new SandboxStatus();
        var verdict = ConditionVerdict.False(reason, message);
        status.Conditions = Conditions.With(status.Conditions, ConditionTypes.Synced, verdict, sandbox.Metadata.Generation, time.GetUtcNow());
        status.Conditions = Conditions.With(status.Conditions, ConditionTypes.Ready, ConditionVerdict.False(ReadyReasons.Deleting, message), sandbox.Metadata.Generation, time.GetUtcNow());
        await statusWriter.WriteStatusAsync(sandbox, status, ct);
        return options.InvalidInputRetryInterval;
    }
}
