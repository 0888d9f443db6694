using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    public List<JsonObject> ListVolumes(string projectId)
    {
        using (Enter())
        {
            return [.. ProjectOrThrow(projectId).Volumes.Values.Select(Views.Volume)];
        }
    }

    public JsonObject GetVolume(string projectId, string volumeId)
    {
        using (Enter())
        {
            return Views.Volume(VolumeOrThrow(ProjectOrThrow(projectId), volumeId));
        }
    }

    /// <summary>The id is the slug of the name; a second volume with the same derived id is a 409 (create-volume.md).</summary>
    public JsonObject CreateVolume(string projectId, VolumeInput input)
    {
        VolumeValidation.Validate(input, options.EffectiveTeamTags);
        var id = ReferencePatterns.Slug(input.Name);
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            if (project.Volumes.ContainsKey(id))
            {
                throw ApiException.Conflict("There is already a volume with the same derived identifier");
            }

            var volume = new VolumeRecord
            {
                ProjectId = projectId,
                Id = id,
                Name = input.Name,
                Tags = input.Tags,
                Mounts = input.Mounts,
                AccessMode = input.AccessMode,
                StorageClassName = input.StorageClassName ?? "ssd",
                StorageSize = input.StorageSize,
                CreatedAt = Now,
                UpdatedAt = Now,
            };
            var services = input.AttachedServices.Distinct(StringComparer.Ordinal).Select(service => ServiceOrThrow(project, service)).ToList();
            if (volume.IsReadWriteOnce && services.Count > 1)
            {
                throw ApiException.BadRequest("attachedObjects", "a ReadWriteOnce volume can be attached to one service only");
            }

            foreach (var service in services)
            {
                EnsureVolumeCanServe(volume, service.Id, service.IntendedInstances, "attachedObjects");
            }

            project.Volumes[volume.Id] = volume;
            foreach (var service in services)
            {
                volume.AttachedServices.Add(service.Id);
                Redeploy(service, DeploymentReason.Deploying);
            }

            return Views.Volume(volume);
        }
    }

    /// <summary>An attached volume cannot be deleted: detach it, or delete its service with delete_child_objects.</summary>
    public void DeleteVolume(string projectId, string volumeId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var volume = VolumeOrThrow(project, volumeId);
            if (volume.AttachedServices.Count > 0)
            {
                throw ApiException.Conflict(
                    $"volume '{volumeId}' is attached to service '{volume.AttachedServices[0]}'; detach it first");
            }

            project.Volumes.Remove(volumeId);
        }
    }

    /// <summary>Attaching an already attached service changes nothing; a real attach remounts, so it redeploys.</summary>
    public void AttachVolume(string projectId, string volumeId, string serviceId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var volume = VolumeOrThrow(project, volumeId);
            var service = ServiceOrThrow(project, serviceId);
            if (volume.AttachedServices.Contains(serviceId))
            {
                return;
            }

            if (volume.IsReadWriteOnce && volume.AttachedServices.Count > 0)
            {
                throw ApiException.BadRequest("nfObject.id",
                    $"ReadWriteOnce volume '{volumeId}' is already attached to service '{volume.AttachedServices[0]}'");
            }

            EnsureVolumeCanServe(volume, serviceId, service.IntendedInstances, "nfObject.id");
            volume.AttachedServices.Add(serviceId);
            volume.UpdatedAt = Now;
            Redeploy(service, DeploymentReason.Deploying);
        }
    }

    public void DetachVolume(string projectId, string volumeId, string serviceId)
    {
        using (Enter())
        {
            var project = ProjectOrThrow(projectId);
            var volume = VolumeOrThrow(project, volumeId);
            var service = ServiceOrThrow(project, serviceId);
            if (!volume.AttachedServices.Remove(serviceId))
            {
                throw ApiException.BadRequest("nfObject.id", $"volume '{volumeId}' is not attached to service '{serviceId}'");
            }

            volume.UpdatedAt = Now;
            Redeploy(service, DeploymentReason.Deploying);
        }
    }

    private static IEnumerable<VolumeRecord> AttachedVolumes(ProjectRecord project, string serviceId) =>
        project.Volumes.Values.Where(v => v.AttachedServices.Contains(serviceId));

    /// <summary>Northflank limits a service with a ReadWriteOnce volume to one instance, whichever side changes.</summary>
    private static void EnsureVolumeCanServe(VolumeRecord volume, string serviceId, int instances, string field)
    {
        if (volume.IsReadWriteOnce && instances > 1)
        {
            throw ApiException.BadRequest(field,
                $"service '{serviceId}' would run {instances} instances but ReadWriteOnce volume '{volume.Id}' allows only 1");
        }
    }
}
