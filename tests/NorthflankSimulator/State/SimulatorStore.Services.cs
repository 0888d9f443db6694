using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    public List<JsonObject> ListServices(string projectId)
    {
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            return [.. project.Services.Values.Select(s => Views.ServiceListItem(s, StatusOf(s), _options))];
        }
    }

    public JsonObject GetService(string projectId, string serviceId)
    {
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            return Views.Service(service, StatusOf(service), project, _options);
        }
    }

    /// <summary>
    /// POST create (<paramref name="upsert"/> false: 409 on an existing name) or PUT create-or-update by name.
    /// The body was parsed with every create-required field present.
    /// </summary>
    public JsonObject CreateService(string projectId, ServiceInput input, bool upsert)
    {
        var name = input.Name!;
        Validation.Name("name", name);
        ValidateServiceFields(input);
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            if (project.Services.TryGetValue(name, out var existing))
            {
                if (!upsert)
                {
                    throw ApiException.Conflict($"service '{name}' already exists in project '{projectId}'");
                }

                ApplyUpdate(project, existing, input);
                return Views.ServiceWritten(existing, StatusOf(existing), project, _options);
            }

            var volumes = (input.VolumesToAttach ?? []).Select((id, i) => project.Volumes.TryGetValue(id, out var volume)
                ? volume
                : throw ApiException.BadRequest($"createOptions.volumesToAttach[{i}]", $"volume '{id}' not found")).ToList();
            foreach (var volume in volumes)
            {
                EnsureVolumeCanServe(volume, name, input.Instances!.Value, "deployment.instances");
            }

            var service = new ServiceRecord
            {
                ProjectId = projectId,
                Id = name,
                Description = input.Description,
                Tags = input.Tags ?? [],
                Plan = input.Plan!,
                Instances = input.Instances!.Value,
                InstancesBeforePause = input.Instances!.Value,
                ImagePath = input.ImagePath!,
                Credentials = input.Credentials,
                Docker = input.Docker ?? new DockerSettings("default", null, null),
                EphemeralStorageSize = input.EphemeralStorageSize,
                Metadata = input.Metadata?.DeepClone(),
                Ports = AssignPortIds(input.Ports ?? [], []),
                Environment = input.Environment ?? new(StringComparer.Ordinal),
                CreatedAt = Now,
                UpdatedAt = Now,
                Rollout = DeploymentStateMachine.Start(Now, DeploymentReason.Deploying, input.ImagePath!, input.Instances!.Value, Timing),
            };
            project.Services[name] = service;
            foreach (var volume in volumes)
            {
                volume.AttachedServices.Add(name);
                volume.UpdatedAt = Now;
            }

            return Views.ServiceWritten(service, StatusOf(service), project, _options);
        }
    }

    public JsonObject PatchService(string projectId, string serviceId, ServiceInput input)
    {
        ValidateServiceFields(input);
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            ApplyUpdate(project, service, input);
            return Views.ServiceWritten(service, StatusOf(service), project, _options);
        }
    }

    private void ValidateServiceFields(ServiceInput input)
    {
        if (input.Tags is not null)
        {
            Validation.Tags("tags", input.Tags);
        }

        if (input.Plan is not null)
        {
            Validation.Plan("billing.deploymentPlan", input.Plan, _options.EffectivePlans);
        }

        if (input.Instances is { } instances)
        {
            Validation.Instances("deployment.instances", instances);
        }

        if (input.Docker is not null)
        {
            Validation.DockerConfig("deployment.docker", input.Docker);
        }

        if (input.Ports is not null)
        {
            Validation.Ports("ports", input.Ports);
        }

        if (input.Environment is not null)
        {
            Validation.Environment("runtimeEnvironment", input.Environment);
        }
    }

    /// <summary>
    /// Applies the fields present. Image, command, plan, ports, storage or environment changes redeploy (DEPLOYING);
    /// an instance-count change alone scales (SCALING); tags and description change nothing running. A paused service
    /// stays paused: a new instance count is kept for resume.
    /// </summary>
    private void ApplyUpdate(ProjectRecord project, ServiceRecord service, ServiceInput input)
    {
        if (input.Instances is { } wanted)
        {
            foreach (var volume in AttachedVolumes(project, service.Id))
            {
                EnsureVolumeCanServe(volume, service.Id, wanted, "deployment.instances");
            }
        }

        var redeploy = false;
        var rescale = false;
        if (input.Description is not null)
        {
            service.Description = input.Description;
        }

        if (input.Tags is not null)
        {
            service.Tags = input.Tags;
        }

        if (input.Plan is not null && input.Plan != service.Plan)
        {
            service.Plan = input.Plan;
            redeploy = true;
        }

        if (input.ImagePath is not null && input.ImagePath != service.ImagePath)
        {
            service.ImagePath = input.ImagePath;
            redeploy = true;
        }

        if (input.Credentials is not null && input.Credentials != service.Credentials)
        {
            service.Credentials = input.Credentials;
            redeploy = true;
        }

        if (input.Docker is not null && input.Docker != service.Docker)
        {
            service.Docker = input.Docker;
            redeploy = true;
        }

        if (input.EphemeralStorageSize is not null && input.EphemeralStorageSize != service.EphemeralStorageSize)
        {
            service.EphemeralStorageSize = input.EphemeralStorageSize;
            redeploy = true;
        }

        if (input.Metadata is not null && !JsonNode.DeepEquals(input.Metadata, service.Metadata))
        {
            service.Metadata = input.Metadata.DeepClone();
            redeploy = true;
        }

        if (input.Ports is not null && !SamePorts(service.Ports, input.Ports))
        {
            service.Ports = AssignPortIds(input.Ports, service.Ports);
            redeploy = true;
        }

        if (input.Environment is not null && !SameEnvironment(service.Environment, input.Environment))
        {
            service.Environment = input.Environment;
            redeploy = true;
        }

        if (input.Instances is { } instances)
        {
            if (service.Paused)
            {
                service.InstancesBeforePause = instances;
            }
            else if (instances != service.Instances)
            {
                service.Instances = instances;
                service.InstancesBeforePause = instances;
                rescale = true;
            }
        }

        service.UpdatedAt = Now;
        if (redeploy || rescale)
        {
            Redeploy(service, redeploy ? DeploymentReason.Deploying : DeploymentReason.Scaling);
        }
    }

    private void Redeploy(ServiceRecord service, DeploymentReason reason)
    {
        service.Rollout = DeploymentStateMachine.Start(Now, reason, service.ImagePath, service.Instances, Timing);
        service.DeploymentCount++;
        service.UpdatedAt = Now;
    }

    public void Scale(string projectId, string serviceId, int? instances, string? plan, int? ephemeralStorageSize)
    {
        if (instances is { } count)
        {
            Validation.Instances("instances", count);
        }

        if (plan is not null)
        {
            Validation.Plan("deploymentPlan", plan, _options.EffectivePlans);
        }

        lock (_gate)
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

            var changed = false;
            if (plan is not null && plan != service.Plan)
            {
                service.Plan = plan;
                changed = true;
            }

            if (ephemeralStorageSize is not null && ephemeralStorageSize != service.EphemeralStorageSize)
            {
                service.EphemeralStorageSize = ephemeralStorageSize;
                changed = true;
            }

            if (instances is { } target)
            {
                // Scaling a paused service only changes what resume brings back, as pausing is scaling to zero.
                if (service.Paused)
                {
                    service.InstancesBeforePause = target;
                }
                else if (target != service.Instances)
                {
                    service.Instances = target;
                    service.InstancesBeforePause = target;
                    changed = true;
                }
            }

            if (changed)
            {
                Redeploy(service, DeploymentReason.Scaling);
            }
        }
    }

    /// <summary>Pausing an already paused service changes nothing.</summary>
    public void Pause(string projectId, string serviceId)
    {
        lock (_gate)
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            if (service.Paused)
            {
                return;
            }

            service.InstancesBeforePause = service.Instances;
            service.Instances = 0;
            service.Paused = true;
            Redeploy(service, DeploymentReason.Scaling);
        }
    }

    /// <summary>Resuming a running service changes nothing; otherwise it comes back with the given or previous count.</summary>
    public void Resume(string projectId, string serviceId, int? instances)
    {
        if (instances is { } count)
        {
            Validation.Instances("instances", count);
        }

        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            if (!service.Paused)
            {
                return;
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
        lock (_gate)
        {
            Redeploy(ServiceOrThrow(ProjectOrThrow(projectId), serviceId), DeploymentReason.Deploying);
        }
    }

    public JsonObject GetPorts(string projectId, string serviceId)
    {
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            return new JsonObject { ["ports"] = Views.Ports(service, project) };
        }
    }

    public JsonObject ReplacePorts(string projectId, string serviceId, List<PortInput> ports)
    {
        Validation.Ports("ports", ports);
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            if (!SamePorts(service.Ports, ports))
            {
                service.Ports = AssignPortIds(ports, service.Ports);
                Redeploy(service, DeploymentReason.Deploying);
            }

            return new JsonObject { ["ports"] = Views.Ports(service, project) };
        }
    }

    public JsonObject GetEnvironment(string projectId, string serviceId)
    {
        lock (_gate)
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            var environment = new JsonObject();
            foreach (var (name, value) in service.Environment)
            {
                environment[name] = value;
            }

            return new JsonObject { ["runtimeEnvironment"] = environment, ["runtimeFiles"] = new JsonObject() };
        }
    }

    /// <summary>Replaces the whole runtime environment (Northflank's "set"), redeploying only if it differs.</summary>
    public JsonObject SetEnvironment(string projectId, string serviceId, Dictionary<string, string> environment)
    {
        Validation.Environment("runtimeEnvironment", environment);
        lock (_gate)
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            if (!SameEnvironment(service.Environment, environment))
            {
                service.Environment = environment;
                Redeploy(service, DeploymentReason.Deploying);
            }

            return new JsonObject { ["success"] = true, ["restartSuccessful"] = true };
        }
    }

    /// <summary>Attached volumes are deleted with <paramref name="deleteChildObjects"/>, otherwise detached and kept.</summary>
    public void DeleteService(string projectId, string serviceId, bool deleteChildObjects)
    {
        lock (_gate)
        {
            var project = ProjectOrThrow(projectId);
            ServiceOrThrow(project, serviceId);
            foreach (var volume in AttachedVolumes(project, serviceId).ToList())
            {
                volume.AttachedServices.Remove(serviceId);
                volume.UpdatedAt = Now;
                if (deleteChildObjects)
                {
                    project.Volumes.Remove(volume.Id);
                }
            }

            project.Services.Remove(serviceId);
        }
    }

    private List<PortRecord> AssignPortIds(IReadOnlyList<PortInput> ports, IReadOnlyList<PortRecord> existing)
    {
        var result = new List<PortRecord>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            string id;
            if (port.Id is not null)
            {
                id = existing.Any(p => p.Id == port.Id)
                    ? port.Id
                    : throw ApiException.BadRequest($"ports[{i}].id", $"no existing port has id '{port.Id}'");
            }
            else
            {
                // Without an id, a port keeps its identity when its name survives, as a rename is the only way to lose it.
                id = existing.FirstOrDefault(p => p.Name == port.Name)?.Id ?? $"p-{_random.NextId(10)}";
            }

            result.Add(new PortRecord(id, port.Name, port.InternalPort, port.Protocol, port.Public));
        }

        return result;
    }

    private static bool SamePorts(IReadOnlyList<PortRecord> current, IReadOnlyList<PortInput> wanted) =>
        current.Count == wanted.Count && current.Zip(wanted).All(pair =>
            pair.First.Name == pair.Second.Name && pair.First.InternalPort == pair.Second.InternalPort
            && pair.First.Protocol == pair.Second.Protocol && pair.First.Public == pair.Second.Public);

    private static bool SameEnvironment(Dictionary<string, string> current, Dictionary<string, string> wanted) =>
        current.Count == wanted.Count
        && current.All(pair => wanted.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
