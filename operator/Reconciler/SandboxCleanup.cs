using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Reconciler;

/// <summary>
/// Deletes what a Sandbox created on Northflank (deletionPolicy Delete) and says when all of it is confirmed gone,
/// which is when the finalizer may be removed. Only a service carrying this Sandbox's ownership marker (or one it
/// adopted) is deleted, and a volume only when it is attached to that service or was recorded as created.
/// Returns null when done, else when to look again; transient Northflank failures are thrown for backoff.
/// </summary>
public sealed class SandboxCleanup(
    INorthflankApiFactory northflank,
    InputResolver inputs,
    CredentialMemory credentials,
    ServiceListCache lists,
    ProgressWatch progress,
    ISandboxStatusWriter statusWriter,
    ISandboxEventSink events,
    ReconcilerOptions options,
    TimeProvider time,
    ILogger<SandboxCleanup> logger)
{
    // When each Sandbox's DELETE was sent: its absence is then confirmed from a service list started later, which
    // many deletions share, instead of one GET each. Lost on restart, which only costs one repeated (idempotent) DELETE.
    private readonly ConcurrentDictionary<string, DateTimeOffset> deletesSent = new();

    public async Task<TimeSpan?> FinalizeAsync(Sandbox sandbox, CancellationToken ct)
    {
        if (sandbox.Spec.DeletionPolicy == DeletionPolicies.Orphan)
        {
            events.Normal(sandbox, "Orphaned", $"left service {sandbox.Status?.ServiceId ?? SandboxNaming.ServiceName(sandbox)} on Northflank (deletionPolicy Orphan)");
            return null;
        }

        var projectId = sandbox.Status?.ProjectId ?? sandbox.Spec.ProjectId ?? options.DefaultProjectId;
        if (projectId is null)
        {
            return null; // Never got as far as a project, so nothing can exist on Northflank.
        }

        var token = await TokenAsync(sandbox, ct);
        if (token is null)
        {
            return await BlockedAsync(sandbox, SyncedReasons.CredentialsNotFound, "cannot delete the Northflank service: no credentials (restore the credentials Secret, or remove the finalizer to orphan it)", ct);
        }

        var api = northflank.ForToken(token);
        try
        {
            var serviceGone = await DeleteServiceAsync(api, token, sandbox, projectId, ct);
            var volumeGone = await DeleteVolumeAsync(api, sandbox, projectId, ct);
            if (serviceGone && volumeGone)
            {
                events.Normal(sandbox, "Deleted", $"deleted Northflank service {SandboxNaming.ServiceName(sandbox)}{(sandbox.Spec.Volume is null ? "" : " and its volume")}");
                credentials.Forget(sandbox);
                deletesSent.TryRemove(SandboxKey.Of(sandbox), out _);
                progress.Stop(sandbox);
                return null;
            }

            if (serviceGone)
            {
                return options.ProgressPollInterval;
            }

            // Woken by the first shared list that no longer shows the service; the requeue is only a fallback.
            progress.Wait(sandbox, api, token, projectId, ServiceId(sandbox), listed => listed is null);
            return options.ProgressFallbackInterval;
        }
        catch (NorthflankApiException e) when (!e.IsTransient)
        {
            return await BlockedAsync(sandbox, SyncedReasons.DeleteFailed, $"Northflank refused the delete ({(int?)e.Status}): {e.Message}", ct);
        }
    }

    /// <returns>True when the service is confirmed gone.</returns>
    private async Task<bool> DeleteServiceAsync(INorthflankApi api, NorthflankToken token, Sandbox sandbox, string projectId, CancellationToken ct)
    {
        var id = ServiceId(sandbox);
        var now = time.GetUtcNow();
        if (deletesSent.TryGetValue(SandboxKey.Of(sandbox), out var sentAt))
        {
            var services = await lists.GetAsync(api, token, projectId, sentAt, ct);
            if (!services.ContainsKey(id))
            {
                return true;
            }

            if (now - sentAt < DeleteRetryAfter)
            {
                return false;
            }
        }
        else if (sandbox.Status?.ServiceId is null && SandboxNaming.AdoptedServiceId(sandbox) is null)
        {
            // The service may exist without status saying so (a crash after create): delete it only if it is ours.
            var services = await lists.GetAsync(api, token, projectId, now - options.ProgressPollInterval, ct);
            if (!services.TryGetValue(id, out var found) || !OwnershipMarker.IsOwnedBy(found.Description, sandbox, options.ClusterId))
            {
                return true;
            }
        }

        await api.DeleteServiceAsync(projectId, id, deleteChildObjects: true, ct);
        deletesSent[SandboxKey.Of(sandbox)] = time.GetUtcNow();
        return false;
    }

    private async Task<bool> DeleteVolumeAsync(INorthflankApi api, Sandbox sandbox, string projectId, CancellationToken ct)
    {
        if (sandbox.Status?.VolumeId is null && sandbox.Spec.Volume is null)
        {
            return true;
        }

        // delete_child_objects removed an attached volume with the service; check, and delete one left detached.
        var id = sandbox.Status?.VolumeId ?? SandboxNaming.VolumeName(sandbox);
        var volume = await api.GetVolumeAsync(projectId, id, RequestPriority.Write, ct);
        if (volume is null)
        {
            return true;
        }

        if (sandbox.Status?.VolumeId != volume.Id && !OwnershipMarker.IsAttachedTo(volume, ServiceId(sandbox)))
        {
            return true; // Not provably this Sandbox's: left alone.
        }

        await api.DeleteVolumeAsync(projectId, id, ct);
        return await api.GetVolumeAsync(projectId, id, RequestPriority.Write, ct) is null;
    }

    private static string ServiceId(Sandbox sandbox) => sandbox.Status?.ServiceId ?? SandboxNaming.ServiceName(sandbox);

    /// <summary>A service still listed this long after its DELETE gets the DELETE again.</summary>
    private static readonly TimeSpan DeleteRetryAfter = TimeSpan.FromMinutes(1);

    private async Task<NorthflankToken?> TokenAsync(Sandbox sandbox, CancellationToken ct)
    {
        try
        {
            var token = await inputs.ResolveTokenAsync(sandbox, ct);
            credentials.Remember(sandbox, token);
            return token;
        }
        catch (InvalidInputException)
        {
            return credentials.Recall(sandbox);
        }
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
