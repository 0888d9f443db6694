using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// <see cref="ISandboxExternal"/> over the endpoint-level client: one Sandbox, one token, one target. Looks go through
/// the project's shared list wherever it can tell (status and description of up to 100 services a call), and read the
/// service whole only for the drift check, for public URLs and after writes. Whose a service is comes from its
/// description's ownership marker; a volume is the Sandbox's when it is attached to the Sandbox's service. Holds only
/// what it was bound to: what the reconcile remembers comes in with the <see cref="Look"/>, what a call did goes out in
/// its <see cref="ExternalResult"/>.
/// </summary>
public sealed partial class NorthflankSandboxExternal(
    INorthflankApi api, NorthflankToken token, Sandbox sandbox, SandboxTarget target, ServiceListCache lists, string clusterId, TimeProvider time)
    : ISandboxExternal
{
    public async Task<ExternalResult> ObserveAsync(Look look, CancellationToken ct)
    {
        if (look.CreateFirst)
        {
            return ExternalResult.Done(Observation.Nothing);
        }

        try
        {
            var (service, full) = look.Full
                ? (await ReadAsync(RequestPriority.Background, ct), true)
                : (await ListedAsync(look.NotBefore, ct), false);
            if (!full && service is null && look.AbsentNotBefore is { } fresh && fresh > look.NotBefore)
            {
                service = await ListedAsync(fresh, ct);
            }

            if (!full && look.WantUrls && service?.Status?.Deployment?.Status == DeploymentStates.Completed)
            {
                (service, full) = (await ReadAsync(RequestPriority.Observe, ct) ?? service, true);
            }

            var volume = sandbox.Metadata.DeletionTimestamp is null ? await VolumeAsync(ct) : await LeftVolumeAsync(service, look.AfterDelete, ct);
            var observed = Judge(service, volume) with { Full = full };
            var explained = await ExplainFailureAsync(observed.Service, look.Explained, ct);
            return ExternalResult.Done(observed with { FailureDetail = explained?.Containers }) with { Explained = explained };
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, Observation.Nothing);
        }
    }

    public Task<ExternalResult> PauseAsync(Observation observed, CancellationToken ct) =>
        SetPausedAsync(paused: true, observed, () => api.PauseServiceAsync(target.ProjectId, target.ServiceName, ct));

    public Task<ExternalResult> ResumeAsync(DesiredState desired, Observation observed, CancellationToken ct) =>
        SetPausedAsync(paused: false, observed, () => api.ResumeServiceAsync(target.ProjectId, target.ServiceName, desired.Service.Deployment.Instances, ct));

    public async Task<ExternalResult> DeleteAsync(Observation observed, CancellationToken ct)
    {
        try
        {
            await api.DeleteServiceAsync(target.ProjectId, target.ServiceName, deleteChildObjects: true, ct);
            // Not read back: the progress watch's shared list confirms every deleting Sandbox of the project at once,
            // where a GET each would cost a request per Sandbox and a wait for the budget in a mass delete.
            return ExternalResult.Done(observed) with { DeleteSentAt = time.GetUtcNow() };
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed);
        }
    }

    public async Task<ExternalResult> ReleaseAsync(Observation observed, CancellationToken ct)
    {
        try
        {
            await api.PatchServiceDescriptionAsync(target.ProjectId, target.ServiceName, OwnershipMarker.Released(sandbox, clusterId), ct);
            return ExternalResult.Done(observed);
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed);
        }
    }

    public bool DeleteConfirmed(DateTimeOffset sentAt) =>
        lists.TryLook(token, target.ProjectId, target.ServiceName, sentAt, out var service) && service is null;

    /// <summary>Pauses or resumes the service found (nothing to do without one).</summary>
    private async Task<ExternalResult> SetPausedAsync(bool paused, Observation observed, Func<Task> call)
    {
        if (observed.Service is null)
        {
            return ExternalResult.Done(observed);
        }

        try
        {
            // 409: the service is already where the action would have put it.
            await IgnoringConflict(call());
            return ExternalResult.Done(observed with { Service = observed.Service with { ServicePaused = paused } }) with { WroteAt = time.GetUtcNow() };
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed);
        }
    }

    /// <summary>The service as listed no earlier than <paramref name="notBefore"/>, with the paused state the operator last knew.</summary>
    private async Task<ServiceDetails?> ListedAsync(DateTimeOffset notBefore, CancellationToken ct)
    {
        // A list or probe in hand (the progress watch's that woke this reconcile) answers without a call; else the
        // project's list, shared with every reconcile that needs one as fresh.
        if (!lists.TryLook(token, target.ProjectId, target.ServiceName, notBefore, out var summary))
        {
            var services = await lists.GetAsync(api, token, target.ProjectId, notBefore, RequestPriority.Observe, ct);
            summary = services.GetValueOrDefault(target.ServiceName);
        }

        // The list has no paused flag: the paused state is what the operator last knew, from a GET or its own pause or
        // resume (status.operatingMode is written from nothing else).
        return summary is null ? null : new ServiceDetails(summary) { ServicePaused = KnownPaused };
    }

    private async Task<ServiceDetails?> ReadAsync(RequestPriority priority, CancellationToken ct)
    {
        var service = await api.GetServiceAsync(target.ProjectId, target.ServiceName, priority, ct);
        return service is { ServicePaused: null } ? service with { ServicePaused = KnownPaused } : service;
    }

    private bool KnownPaused => sandbox.Status?.OperatingMode == OperatingModes.Paused;

    /// <summary>The volume under the Sandbox's volume name: known from status once created, read otherwise.</summary>
    private async Task<VolumeDetails?> VolumeAsync(CancellationToken ct)
    {
        if (target.VolumeName is not { } name)
        {
            return null;
        }

        return sandbox.Status?.VolumeId is { } known
            ? new VolumeDetails { Id = known, Name = known }
            : await api.GetVolumeAsync(target.ProjectId, name, RequestPriority.Observe, ct);
    }

    /// <summary>
    /// The volume goes with its service (delete_child_objects): once the service is gone after the DELETE, one still
    /// under the Sandbox's volume name is not the Sandbox's to delete, only to report. Not read before.
    /// </summary>
    private async Task<VolumeDetails?> LeftVolumeAsync(ServiceDetails? service, bool afterDelete, CancellationToken ct) =>
        service is null && afterDelete && target.VolumeName is { } name
            ? await api.GetVolumeAsync(target.ProjectId, name, RequestPriority.Observe, ct)
            : null;

    /// <summary>
    /// A volume is the Sandbox's when attached to its service or recorded in its status; while there is no service yet,
    /// also when attached to nothing (its create, cut short before the service that mounts it, is taken up again).
    /// </summary>
    private Observation Judge(ServiceDetails? service, VolumeDetails? volume) => new(service, volume)
    {
        Owner = service is null ? Ownership.Absent : OwnerOf(service.Description),
        VolumeForeign = volume is not null && !OwnershipMarker.IsAttachedTo(volume, target.ServiceName) && sandbox.Status?.VolumeId != volume.Id
            && !(service is null && volume.AttachedObjects is not { Count: > 0 }),
    };

    /// <summary>
    /// Ours: it carries this Sandbox's marker, or, for a live Sandbox adopting by annotation, no marker at all (the
    /// adoption's first write is the marker). A deleting Sandbox deletes or releases only what carries its marker: an
    /// adoption that never completed never wrote it.
    /// </summary>
    private Ownership OwnerOf(string? description)
    {
        var ours = sandbox.Metadata.DeletionTimestamp is null && Adoption.ServiceId(sandbox) is not null
            ? Adoption.MayTake(description, sandbox, clusterId)
            : OwnershipMarker.IsOwnedBy(description, sandbox, clusterId);
        return ours ? Ownership.Ours : Ownership.Foreign;
    }

    /// <summary>
    /// Northflank's deployment status has no message; its containers' states say what happened: read once per failure
    /// (by the failure's transition time): <paramref name="known"/> is the one last read.
    /// </summary>
    private async Task<FailureExplanation?> ExplainFailureAsync(ServiceDetails? service, FailureExplanation? known, CancellationToken ct)
    {
        if (service?.Status?.Deployment is not { Status: DeploymentStates.Failed } failed)
        {
            return null;
        }

        if (known is not null && known.FailedAt == failed.LastTransitionTime)
        {
            return known;
        }

        var containers = await api.ListContainersAsync(target.ProjectId, service.Id, RequestPriority.Observe, ct);
        return new FailureExplanation(failed.LastTransitionTime, Readiness.DescribeContainers(containers));
    }

    private static async Task IgnoringConflict(Task call)
    {
        try
        {
            await call;
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
        }
    }
}
