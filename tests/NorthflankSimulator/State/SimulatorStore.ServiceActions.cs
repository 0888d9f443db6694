using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    /// <summary>The deprecated scale endpoint (scale-service.md): instances, plan or ephemeral storage, all SCALING.</summary>
    public void Scale(string projectId, string serviceId, int? instances, string? plan, int? ephemeralStorageSize)
    {
        if (instances is { } count)
        {
            Validation.Instances("instances", count);
        }

        if (plan is not null)
        {
            Validation.Plan("deploymentPlan", plan, options.EffectivePlans, Pages.ScaleService);
        }

        if (ephemeralStorageSize is { } size)
        {
            ServiceValidation.EphemeralStorage("storage.ephemeralStorage.storageSize", size);
        }

        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            if (instances is { } wanted)
            {
                foreach (var volume in AttachedVolumes(project, serviceId))
                {
                    EnsureVolumeCanServe(volume, serviceId, wanted, "instances");
                }
            }

            var changed = plan is not null && plan != service.Plan;
            service.Plan = plan ?? service.Plan;
            changed |= ephemeralStorageSize is not null && ephemeralStorageSize != service.EphemeralStorageSize;
            service.EphemeralStorageSize = ephemeralStorageSize ?? service.EphemeralStorageSize;
            // Scaling a paused service only changes what resume brings back, as pausing is scaling to zero.
            changed |= ApplyInstances(service, instances);
            if (changed)
            {
                Redeploy(service, DeploymentReason.Scaling);
            }
        }
    }

    /// <summary>Pausing a paused service is a 409 (the reference leaves it open; the simulator mirrors resume).</summary>
    public void Pause(string projectId, string serviceId)
    {
        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            if (service.Paused)
            {
                throw ApiException.Conflict("The service could not be paused as it is already paused");
            }

            PauseNow(service, Now);
        }
    }

    private void PauseNow(ServiceRecord service, DateTimeOffset at)
    {
        service.InstancesBeforePause = service.Instances;
        service.Instances = 0;
        service.Paused = true;
        Redeploy(service, DeploymentReason.Scaling, at);
    }

    /// <summary>
    /// A running service is a 409 (resume-service.md); otherwise it comes back with the given or previous count.
    /// An expired service can be resumed too; its scheduled deletion stays.
    /// </summary>
    public void Resume(string projectId, string serviceId, int? instances)
    {
        if (instances is { } count)
        {
            Validation.Instances("instances", count);
        }

        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            if (!service.Paused)
            {
                throw ApiException.Conflict("The service could not be resumed as it is not paused");
            }

            var target = instances ?? service.InstancesBeforePause;
            foreach (var volume in AttachedVolumes(project, serviceId))
            {
                EnsureVolumeCanServe(volume, serviceId, target, "instances");
            }

            service.Paused = false;
            service.Instances = target;
            service.InstancesBeforePause = target;
            Redeploy(service, DeploymentReason.Scaling);
        }
    }

    public void Restart(string projectId, string serviceId)
    {
        using (Enter())
        {
            Redeploy(ServiceOrThrow(ProjectOrThrow(projectId), serviceId), DeploymentReason.Deploying);
        }
    }

    public JsonObject GetPorts(string projectId, string serviceId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            return new JsonObject { ["ports"] = ServiceViews.Ports(service, project) };
        }
    }

    /// <summary>The deprecated update-service-ports.md: replaces the list; a given id keeps that port.</summary>
    public void ReplacePorts(string projectId, string serviceId, List<PortInput> ports)
    {
        ServiceValidation.Ports("ports", ports, Pages.UpdatePorts);
        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            if (!SamePorts(service.Ports, ports))
            {
                service.Ports = AssignPortIds(ports, service.Ports);
                Redeploy(service, DeploymentReason.Deploying);
            }
        }
    }

    public JsonObject GetEnvironment(string projectId, string serviceId)
    {
        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            var environment = new JsonObject([.. service.Environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))]);
            return new JsonObject { ["runtimeEnvironment"] = environment, ["runtimeFiles"] = new JsonObject() };
        }
    }

    /// <summary>Replaces the whole runtime environment, redeploying only if it differs; null changes nothing.</summary>
    public JsonObject SetEnvironment(string projectId, string serviceId, Dictionary<string, string>? environment)
    {
        if (environment is not null)
        {
            ServiceValidation.Environment("runtimeEnvironment", environment);
        }

        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            if (environment is not null && !SameEnvironment(service.Environment, environment))
            {
                service.Environment = environment;
                Redeploy(service, DeploymentReason.Deploying);
            }

            return new JsonObject { ["success"] = true, ["restartSuccessful"] = true };
        }
    }
}
