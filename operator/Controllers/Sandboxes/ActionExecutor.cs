using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Carries out a plan's actions on Northflank, in order, and returns what Northflank holds afterwards. Every call
/// is safe to repeat after a crash: a create that finds the name taken (409) reads what is there and takes it only
/// when it carries this Sandbox's marker (a create whose answer was lost); an update first reads its target and
/// changes it only when it is still this Sandbox's. Pause and resume are idempotent: Northflank's 409 for "already
/// paused" or "not paused" means the service is where the action would have put it.
/// </summary>
public sealed class ActionExecutor(string clusterId, TimeProvider time)
{
    public async Task<Observation> ExecuteAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, Observation observed, IReadOnlyList<NorthflankAction> actions, CancellationToken ct)
    {
        foreach (var action in actions)
        {
            observed = action switch
            {
                ApplyService { Create: true } => observed with { Service = await CreateServiceAsync(api, sandbox, desired, ct), Full = true },
                ApplyService => observed with { Service = await UpdateServiceAsync(api, sandbox, desired, observed, ct), Full = true },
                CreateVolume => observed with { Volume = await CreateVolumeAsync(api, desired, ct) },
                PauseService => await PauseAsync(api, desired, observed, ct),
                ResumeService => await ResumeAsync(api, desired, observed, ct),
                _ => throw new InvalidOperationException($"{action.GetType().Name} is not a Northflank action"),
            };
        }

        return observed;
    }

    private async Task<ServiceDetails> CreateServiceAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, CancellationToken ct)
    {
        try
        {
            var created = await api.CreateDeploymentServiceAsync(desired.ProjectId, desired.CreateRequest(time.GetUtcNow()), ct);
            return created with { ServicePaused = false };
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            // A create whose answer was lost (crash, dropped connection) left the service behind: take it if it is ours.
            var existing = await api.GetServiceAsync(desired.ProjectId, desired.ServiceName, RequestPriority.Write, ct);
            if (existing is null || !OwnershipMarker.IsOwnedBy(existing.Description, sandbox, clusterId))
            {
                throw new InvalidInputException(SyncedReasons.NameConflict, SandboxPlanner.ServiceConflict(desired));
            }

            return await PatchAsync(api, desired, existing, ct);
        }
    }

    /// <summary>Reads the target first (unless this reconcile just did) and changes it only while it is this Sandbox's.</summary>
    private async Task<ServiceDetails?> UpdateServiceAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, Observation observed, CancellationToken ct)
    {
        var current = observed.Full ? observed.Service : await api.GetServiceAsync(desired.ProjectId, desired.ServiceName, RequestPriority.Write, ct);
        if (current is null)
        {
            return null; // Gone since it was listed: the next reconcile creates it.
        }

        if (SandboxPlanner.RefuseService(sandbox, desired, current.Description, clusterId) is { } refusal)
        {
            throw new InvalidInputException(refusal.Reason, refusal.Message);
        }

        return await PatchAsync(api, desired, current, ct);
    }

    /// <summary>The PATCH answer has no paused flag (only GET does): the service is as paused as it was.</summary>
    private static async Task<ServiceDetails> PatchAsync(INorthflankApi api, DesiredState desired, ServiceDetails current, CancellationToken ct)
    {
        var patched = await api.PatchDeploymentServiceAsync(desired.ProjectId, current.Id, desired.Service, ct);
        return patched with { ServicePaused = current.ServicePaused, Ports = patched.Ports ?? current.Ports };
    }

    private static async Task<VolumeDetails> CreateVolumeAsync(INorthflankApi api, DesiredState desired, CancellationToken ct)
    {
        var request = desired.Volume!;
        try
        {
            return await api.CreateVolumeAsync(desired.ProjectId, request, ct);
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            // A create whose answer was lost left the volume behind, attached to this Sandbox's service: take it.
            var existing = await api.GetVolumeAsync(desired.ProjectId, request.Name, RequestPriority.Write, ct);
            if (existing is not null && OwnershipMarker.IsAttachedTo(existing, desired.ServiceName))
            {
                return existing;
            }

            throw new InvalidInputException(SyncedReasons.NameConflict, $"a volume named {request.Name} already exists in project {desired.ProjectId} and is not attached to this Sandbox's service");
        }
    }

    private static async Task<Observation> PauseAsync(INorthflankApi api, DesiredState desired, Observation observed, CancellationToken ct)
    {
        if (observed.Service is null)
        {
            return observed;
        }

        await IgnoringConflict(api.PauseServiceAsync(desired.ProjectId, desired.ServiceName, ct));
        return observed with { Service = observed.Service with { ServicePaused = true } };
    }

    private static async Task<Observation> ResumeAsync(INorthflankApi api, DesiredState desired, Observation observed, CancellationToken ct)
    {
        if (observed.Service is null)
        {
            return observed;
        }

        await IgnoringConflict(api.ResumeServiceAsync(desired.ProjectId, desired.ServiceName, desired.Service.Deployment.Instances, ct));
        return observed with { Service = observed.Service with { ServicePaused = false } };
    }

    /// <summary>409 on pause or resume: the service is already where the action would have put it.</summary>
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
