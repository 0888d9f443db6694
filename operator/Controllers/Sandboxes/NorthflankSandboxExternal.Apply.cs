using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Creates and updates, each safe to repeat after a crash: a create that finds the name taken (409) reads what is there
/// and takes it only when it carries this Sandbox's marker (a create whose answer was lost); an update first reads its
/// target (unless this look did) and changes it only while it is still this Sandbox's.
/// </summary>
public sealed partial class NorthflankSandboxExternal
{
    public async Task<ExternalResult> ApplyAsync(DesiredState desired, Observation observed, bool service, bool volume, CancellationToken ct)
    {
        try
        {
            if (service)
            {
                var applied = observed.Service is null ? await CreateServiceAsync(desired, observed, ct) : await UpdateServiceAsync(desired, observed, ct);
                record.LastWrite = time.GetUtcNow();
                if (!applied.IsDone)
                {
                    return applied;
                }

                observed = applied.Observed;
            }

            return volume && observed.Volume is null && observed.Service is not null
                ? await CreateVolumeAsync(desired, observed, ct)
                : ExternalResult.Done(observed);
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed);
        }
    }

    private async Task<ExternalResult> CreateServiceAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        // Recorded before it is sent: a Sandbox deleted before its status says so still deletes what this may create.
        record.Created = new RecordedService(target.ProjectId, target.ServiceName, desired.Config);
        try
        {
            var created = await api.CreateDeploymentServiceAsync(target.ProjectId, desired.CreateRequest(time.GetUtcNow()), ct);
            return ExternalResult.Done(observed with { Service = created with { ServicePaused = false }, Owner = Ownership.Ours, Full = true });
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            // A create whose answer was lost (crash, dropped connection) left the service behind: take it if it is ours.
            var existing = await api.GetServiceAsync(target.ProjectId, target.ServiceName, RequestPriority.Write, ct);
            return existing is null ? ExternalResult.Failed(e, observed) : await PatchIfOursAsync(desired, observed, existing, ct);
        }
    }

    private async Task<ExternalResult> UpdateServiceAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        var current = observed.Full ? observed.Service : await api.GetServiceAsync(target.ProjectId, target.ServiceName, RequestPriority.Write, ct);
        return current is null
            ? ExternalResult.Done(observed with { Service = null, Owner = Ownership.Absent }) // Gone since it was listed: the next reconcile creates it.
            : await PatchIfOursAsync(desired, observed, current, ct);
    }

    /// <summary>The PATCH answer has no paused flag (only GET does): the service is as paused as it was.</summary>
    private async Task<ExternalResult> PatchIfOursAsync(DesiredState desired, Observation observed, ServiceDetails current, CancellationToken ct)
    {
        if (OwnerOf(current.Description) != Ownership.Ours)
        {
            var (reason, message) = NameConflicts.Service(sandbox, target);
            return ExternalResult.Foreign(observed with { Service = current, Owner = Ownership.Foreign, Full = true }, reason, message);
        }

        var patched = await api.PatchDeploymentServiceAsync(target.ProjectId, current.Id, desired.Service, ct);
        record.Created ??= new RecordedService(target.ProjectId, current.Id, desired.Config); // an adoption: the marker is written
        var paused = current.ServicePaused ?? KnownPaused;
        return ExternalResult.Done(observed with { Service = patched with { ServicePaused = paused, Ports = patched.Ports ?? current.Ports }, Owner = Ownership.Ours, Full = true });
    }

    private async Task<ExternalResult> CreateVolumeAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        var request = desired.Volume!;
        try
        {
            return ExternalResult.Done(observed with { Volume = await api.CreateVolumeAsync(target.ProjectId, request, ct) });
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            // A create whose answer was lost left the volume behind, attached to this Sandbox's service: take it.
            var existing = await api.GetVolumeAsync(target.ProjectId, request.Name, RequestPriority.Write, ct);
            if (existing is not null && OwnershipMarker.IsAttachedTo(existing, target.ServiceName))
            {
                return ExternalResult.Done(observed with { Volume = existing });
            }

            var (reason, message) = NameConflicts.Volume(target);
            return ExternalResult.Foreign(observed with { Volume = existing, VolumeForeign = true }, reason, message);
        }
    }
}
