using System.Collections.Concurrent;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The two things a project's service list cannot tell, fetched only when status needs them: public URLs (GET service
/// carries <c>ports[].dns</c>; the list carries no ports) once the deployment is done, and why a deployment FAILED
/// (Northflank's deployment status has no message; its containers' states say what happened), read once per failure.
/// </summary>
public sealed class DeploymentDetails
{
    // Per Sandbox: the FAILED deployment last explained (its transition time) and what its containers said.
    private readonly ConcurrentDictionary<string, (DateTimeOffset? FailedAt, string Containers)> explained = new();

    /// <summary>The observation with the service read whole when a settled service's public URLs are not known yet.</summary>
    public async Task<Observation> WithUrlsAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, Observation observed, bool wrote, CancellationToken ct)
    {
        var service = observed.Service;
        if (wrote || service is null || observed.Full || service.Status?.Deployment?.Status != DeploymentStates.Completed
            || !Endpoints.MissingUrl(sandbox.Spec, sandbox.Status?.Endpoints))
        {
            return observed;
        }

        var read = await api.GetServiceAsync(desired.ProjectId, service.Id, RequestPriority.Observe, ct);
        return read is null ? observed : observed with { Service = read with { ServicePaused = read.ServicePaused ?? service.ServicePaused } };
    }

    /// <summary>For a FAILED deployment, its containers' states (one containers call per failure); null otherwise.</summary>
    public async Task<string?> ExplainFailureAsync(INorthflankApi api, Sandbox sandbox, DesiredState desired, ServiceDetails? service, CancellationToken ct)
    {
        if (service?.Status?.Deployment is not { Status: DeploymentStates.Failed } failed)
        {
            return null;
        }

        var key = SandboxKey.Of(sandbox);
        if (explained.TryGetValue(key, out var known) && known.FailedAt == failed.LastTransitionTime)
        {
            return known.Containers;
        }

        var containers = await api.ListContainersAsync(desired.ProjectId, service.Id, RequestPriority.Observe, ct);
        var text = Readiness.DescribeContainers(containers);
        explained[key] = (failed.LastTransitionTime, text);
        return text;
    }

    public void Forget(Sandbox sandbox) => explained.TryRemove(SandboxKey.Of(sandbox), out _);
}
