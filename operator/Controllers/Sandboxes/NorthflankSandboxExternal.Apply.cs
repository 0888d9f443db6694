using SandboxOperator.Northflank.Wire;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Creates and updates, each safe to repeat after a crash: a create that finds the name taken (409) reads what is there
/// and takes it only when it carries this Sandbox's marker (a create whose answer was lost); an update first reads its
/// target (unless this look did) and changes it only while it is still this Sandbox's. A Sandbox with a volume creates
/// the volume first, unattached, then the service with <c>createOptions.volumesToAttach</c>, so its one first deployment
/// mounts the volume: attaching to a running service would redeploy it (guides/databases-and-persistence.md), and its
/// first container would have run without the volume (guides/sandboxes.md recommends this order). A volume added to a
/// Sandbox whose service runs is created attached to it, which redeploys the service once.
/// </summary>
public sealed partial class NorthflankSandboxExternal
{
    public async Task<ExternalResult> CreateAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        RecordedService? sent = null;
        try
        {
            var (withVolume, attach) = (observed, (string[]?)null);
            if (desired.Volume is not null)
            {
                var volume = await VolumeForCreateAsync(desired, observed, ct);
                if (!volume.IsDone)
                {
                    return volume;
                }

                withVolume = volume.Observed;
                attach = Unattached(withVolume.Volume!) ? [withVolume.Volume!.Id] : null;
            }

            // Reported as sent from here on, whatever comes back: its answer may be lost while the service is made.
            sent = new RecordedService(target.ProjectId, target.ServiceName, desired.Config);
            var created = await CreateServiceAsync(desired, withVolume, attach, ct);
            return created with { CreateSent = sent, WroteAt = time.GetUtcNow() };
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed, desired) with { CreateSent = sent };
        }
    }

    public async Task<ExternalResult> UpdateAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        try
        {
            var current = observed.Full ? observed.Service : await api.GetServiceAsync(target.ProjectId, target.ServiceName, RequestPriority.Write, ct);
            var updated = current is null
                ? ExternalResult.Done(observed with { Service = null, Owner = Ownership.Absent }) // Gone since it was listed: the next reconcile creates it.
                : await PatchIfOursAsync(desired, observed, current, ct);
            return updated with { WroteAt = time.GetUtcNow() };
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed, desired);
        }
    }

    /// <summary>Nothing to do while there is no service to attach to, or the volume is there.</summary>
    public async Task<ExternalResult> AddVolumeAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        if (observed.Volume is not null || observed.Service is null)
        {
            return ExternalResult.Done(observed);
        }

        try
        {
            return await CreateVolumeAsync(desired, observed, attachTo: target.ServiceName, ct);
        }
        catch (NorthflankApiException e)
        {
            return ExternalResult.Failed(e, observed, desired);
        }
    }

    /// <summary>
    /// The volume a new service mounts: created unattached when the look found none, else what is there read again when
    /// only its id was known (from status: the service may have taken it with it, or let it go).
    /// </summary>
    private async Task<ExternalResult> VolumeForCreateAsync(DesiredState desired, Observation observed, CancellationToken ct)
    {
        var known = observed.Volume;
        if (known is { AttachedObjects: null, Status: null })
        {
            known = await api.GetVolumeAsync(target.ProjectId, desired.Volume!.Name, RequestPriority.Write, ct);
        }

        return known is null
            ? await CreateVolumeAsync(desired, observed with { Volume = null }, attachTo: null, ct)
            : TakeVolume(observed, known);
    }

    private async Task<ExternalResult> CreateServiceAsync(DesiredState desired, Observation observed, string[]? volumesToAttach, CancellationToken ct)
    {
        try
        {
            var created = await api.CreateDeploymentServiceAsync(target.ProjectId, desired.CreateRequest(time.GetUtcNow(), volumesToAttach), ct);
            return ExternalResult.Done(observed with { Service = created with { ServicePaused = false }, Owner = Ownership.Ours, Full = true });
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            // A create whose answer was lost (crash, dropped connection) left the service behind: take it if it is ours.
            var existing = await api.GetServiceAsync(target.ProjectId, target.ServiceName, RequestPriority.Write, ct);
            return existing is null ? ExternalResult.Failed(e, observed) : await PatchIfOursAsync(desired, observed, existing, ct);
        }
    }

    /// <summary>The PATCH answer has no paused flag (only GET does): the service is as paused as it was.</summary>
    private async Task<ExternalResult> PatchIfOursAsync(DesiredState desired, Observation observed, ServiceDetails current, CancellationToken ct)
    {
        if (OwnerOf(current.Description) != Ownership.Ours)
        {
            var (reason, message) = NameConflicts.Service(sandbox, target);
            return ExternalResult.Foreign(observed with { Service = current, Owner = Ownership.Foreign, Full = true }, reason, message);
        }

        var paused = current.ServicePaused ?? KnownPaused;
        var patched = await api.PatchDeploymentServiceAsync(target.ProjectId, current.Id, desired.ServiceWhile(paused || desired.Paused), ct);
        if (StaleEnvironment(patched, desired) is { Count: > 0 } stale)
        {
            // The answer still holds variables the spec dropped: this PATCH merged. Removed as RFC 7386 removes them.
            await api.RemoveEnvironmentAsync(target.ProjectId, current.Id, stale, ct);
        }

        var ours = observed with { Service = patched with { ServicePaused = paused, Ports = patched.Ports ?? current.Ports }, Owner = Ownership.Ours, Full = true };
        return ExternalResult.Done(ours) with { Marked = new RecordedService(target.ProjectId, current.Id, desired.Config) }; // an adoption: the marker is written
    }

    /// <summary>
    /// Creates the volume, attached to <paramref name="attachTo"/> when given (a running service), else unattached (a
    /// service still to be created mounts it). A 409 is a create whose answer was lost, or someone else's volume.
    /// </summary>
    private async Task<ExternalResult> CreateVolumeAsync(DesiredState desired, Observation observed, string? attachTo, CancellationToken ct)
    {
        var request = desired.Volume! with { AttachedObjects = attachTo is null ? null : [new AttachedObject { Id = attachTo }] };
        try
        {
            return ExternalResult.Done(observed with { Volume = await api.CreateVolumeAsync(target.ProjectId, request, ct) });
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            var existing = await api.GetVolumeAsync(target.ProjectId, request.Name, RequestPriority.Write, ct);
            return existing is null ? ExternalResult.Failed(e, observed) : TakeVolume(observed, existing, mayBeUnattached: attachTo is null);
        }
    }

    /// <summary>
    /// The volume under the Sandbox's name is its own when attached to its service, or, while the service is still to be
    /// created, when it is attached to nothing (the Sandbox's own create, cut short before the service); else NameConflict.
    /// </summary>
    private ExternalResult TakeVolume(Observation observed, VolumeDetails existing, bool mayBeUnattached = true)
    {
        if (OwnershipMarker.IsAttachedTo(existing, target.ServiceName) || (mayBeUnattached && Unattached(existing)))
        {
            return ExternalResult.Done(observed with { Volume = existing });
        }

        var (reason, message) = NameConflicts.Volume(target);
        return ExternalResult.Foreign(observed with { Volume = existing, VolumeForeign = true }, reason, message);
    }

    /// <summary>Names the PATCH answer still holds that the spec does not (none where PATCH replaces the environment).</summary>
    private static List<string>? StaleEnvironment(ServiceDetails patched, DesiredState desired) =>
        patched.RuntimeEnvironmentNames?.Where(n => desired.Service.RuntimeEnvironment?.ContainsKey(n) != true).ToList();

    private static bool Unattached(VolumeDetails volume) => volume.AttachedObjects is not { Count: > 0 };
}
