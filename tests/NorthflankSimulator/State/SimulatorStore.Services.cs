using System.Text.Json.Nodes;
using NorthflankSimulator.Inspection;

namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    public List<JsonObject> ListServices(string projectId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            return [.. project.Services.Values.Select(s => ServiceViews.ListItem(s, StatusOf(s), options))];
        }
    }

    public JsonObject GetService(string projectId, string serviceId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            return ServiceViews.Service(service, StatusOf(service), project, options);
        }
    }

    /// <summary>list-service-containers.md: one container per running instance, ordered by name.</summary>
    public List<JsonObject> ListContainers(string projectId, string serviceId)
    {
        using (Enter())
        {
            var service = ServiceOrThrow(ProjectOrThrow(projectId), serviceId);
            return [.. ContainerStates.Of(service, StatusOf(service)).Select(ServiceViews.Container)];
        }
    }

    /// <summary>
    /// POST create (<paramref name="upsert"/> false: 409 when a service with the same derived id exists, as
    /// create-deployment-service.md documents) or PUT create-or-update, matching by the derived id. The body was
    /// parsed with every create-required field present.
    /// </summary>
    public JsonObject CreateService(string projectId, ServiceInput input, bool upsert)
    {
        ServiceValidation.Validate(input, options, upsert ? Pages.PutService : Pages.CreateService);
        var id = ReferencePatterns.Slug(input.Name!);
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            if (project.Services.TryGetValue(id, out var existing))
            {
                if (!upsert)
                {
                    throw ApiException.Conflict("There is already a service with the same derived identifier");
                }

                existing.Name = input.Name!;
                ApplyUpdate(project, existing, input);
                return Written(existing);
            }

            RefuseRemovals(input, PatchReading.Replace); // a create merges into nothing
            VerifyImage(input.ImagePath!, input.Credentials);
            var service = NewService(project, id, input);
            project.Services[id] = service;
            // createOptions.volumesToAttach mounts the volumes at creation (guides/sandboxes.md: "This mounts the volume
            // directly when the service starts"): the first deployment already has them, nothing redeploys.
            foreach (var volume in AttachedVolumes(project, input))
            {
                volume.AttachedServices.Add(id);
                volume.UpdatedAt = Now;
            }

            RecordDeployment(service, DeploymentReason.Deploying, Now);
            return Written(service);
        }
    }

    private List<VolumeRecord> AttachedVolumes(ProjectRecord project, ServiceInput input)
    {
        var volumes = (input.VolumesToAttach ?? []).Select((id, i) => project.Volumes.TryGetValue(id, out var volume)
            ? volume
            : throw ApiException.BadRequest($"createOptions.volumesToAttach[{i}]", $"volume '{id}' not found")).ToList();
        foreach (var volume in volumes)
        {
            if (volume.IsReadWriteOnce && volume.AttachedServices.Count > 0)
            {
                throw ApiException.BadRequest("createOptions.volumesToAttach",
                    $"ReadWriteOnce volume '{volume.Id}' is already attached to service '{volume.AttachedServices[0]}'");
            }

            EnsureVolumeCanServe(volume, ReferencePatterns.Slug(input.Name!), input.Instances!.Value, "deployment.instances");
        }

        return volumes;
    }

    private ServiceRecord NewService(ProjectRecord project, string id, ServiceInput input) => new()
    {
        ProjectId = project.Id,
        Id = id,
        Name = input.Name!,
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
        VolumesToAttach = input.VolumesToAttach,
        ExpirySeconds = input.ExpirySeconds,
        ExpiresAt = input.ExpirySeconds is { } seconds ? Now + TimeSpan.FromSeconds(seconds) : null,
    };

    public JsonObject PatchService(string projectId, string serviceId, ServiceInput input)
    {
        ServiceValidation.Validate(input, options, Pages.PatchService);
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var service = ServiceOrThrow(project, serviceId);
            ApplyUpdate(project, service, input);
            return Written(service);
        }
    }

    /// <summary>Attached volumes are deleted with <paramref name="deleteChildObjects"/>, otherwise detached and kept.</summary>
    public void DeleteService(string projectId, string serviceId, bool deleteChildObjects)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            ServiceOrThrow(project, serviceId);
            RemoveService(project, serviceId, deleteChildObjects, Now);
        }
    }

    /// <param name="at">When it went: now for a DELETE, when it was due for an expiry applied later.</param>
    private void RemoveService(ProjectRecord project, string serviceId, bool deleteChildObjects, DateTimeOffset at)
    {
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
        NotifyRemoved(project.Id, serviceId);
        deleted.Add(new DeletedServiceSnapshot(project.Id, serviceId, at));
    }
}
