using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Reconciler;

/// <summary>
/// Carries out a plan's actions on Northflank, in order, and returns what Northflank holds afterwards. Every call
/// is safe to repeat after a crash: the service is applied by name, and a volume that already exists (409) is
/// looked up and taken if it is this Sandbox's own.
/// </summary>
public sealed class ActionExecutor(string clusterId)
{
    public async Task<Observation> ExecuteAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, Observation observed, IReadOnlyList<NorthflankAction> actions, CancellationToken ct)
    {
        foreach (var action in actions)
        {
            observed = action switch
            {
                ApplyService => observed with { Service = await api.PutDeploymentServiceAsync(desired.ProjectId, desired.Service, ct), Ports = null, Full = true },
                CreateVolume => observed with { Volume = await CreateVolumeAsync(api, sandbox, desired, ct) },
                PauseService => await PauseAsync(api, desired, observed, ct),
                ResumeService => await ResumeAsync(api, desired, observed, ct),
                _ => throw new InvalidOperationException($"{action.GetType().Name} is not a Northflank action"),
            };
        }

        return observed;
    }

    private async Task<VolumeDetails> CreateVolumeAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, CancellationToken ct)
    {
        var request = desired.Volume!;
        try
        {
            return await api.CreateVolumeAsync(desired.ProjectId, request, ct);
        }
        catch (NorthflankApiException e) when (e.IsConflict)
        {
            // A create whose answer was lost (crash, dropped connection) left the volume behind: take it if ours.
            var existing = await api.GetVolumeAsync(desired.ProjectId, request.Name, RequestPriority.Write, ct);
            if (existing is not null && SandboxNaming.IsOwnedBy(existing.Tags, sandbox, clusterId))
            {
                return existing;
            }

            throw new InvalidInputException(SyncedReasons.NameConflict, $"a volume named {request.Name} already exists in project {desired.ProjectId} and was not created by this Sandbox");
        }
    }

    private static async Task<Observation> PauseAsync(INorthflankApi api, DesiredState desired, Observation observed, CancellationToken ct)
    {
        await api.PauseServiceAsync(desired.ProjectId, desired.ServiceName, ct);
        return observed with { Service = observed.Service! with { ServicePaused = true } };
    }

    private static async Task<Observation> ResumeAsync(INorthflankApi api, DesiredState desired, Observation observed, CancellationToken ct)
    {
        await api.ResumeServiceAsync(desired.ProjectId, desired.ServiceName, desired.Service.Deployment.Instances, ct);
        return observed with { Service = observed.Service! with { ServicePaused = false } };
    }
}
