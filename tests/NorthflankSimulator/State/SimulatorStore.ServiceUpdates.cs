using System.Text.Json.Nodes;

namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    /// <summary>
    /// create-deployment-service.md's "400 Unable to verify external image": Northflank pulls an external image when a
    /// service is created or its image changes, and one it cannot pull (a private registry without saved credentials,
    /// credentials the team has not saved, an image that is not there) is refused then. The reference documents it on
    /// create; on PUT and PATCH, which change the same <c>deployment.external</c>, it is the simulator's choice.
    /// </summary>
    private void VerifyImage(string imagePath, string? credentials)
    {
        if (!options.Deployment.CanVerify(imagePath, credentials, options.EffectiveRegistryCredentials))
        {
            throw new ApiException(400, "unable-to-verify-external-image", "Unable to verify external image",
                new JsonObject { ["field"] = "deployment.external.imagePath" });
        }
    }

    /// <summary>
    /// Applies the fields present. Image, credentials, command, plan, ports, storage, metadata or environment changes
    /// redeploy (DEPLOYING); an instance-count change alone scales (SCALING); tags and description change nothing
    /// running. A paused service stays paused: a new instance count is kept for resume.
    /// </summary>
    private void ApplyUpdate(ProjectRecord project, ServiceRecord service, ServiceInput input)
    {
        RefuseRemovals(input, options.Readings.Patch);
        if (input.ImagePath is not null || input.Credentials is not null)
        {
            VerifyImage(input.ImagePath ?? service.ImagePath, input.Credentials ?? service.Credentials);
        }

        if (input.Instances is { } wanted)
        {
            foreach (var volume in AttachedVolumes(project, service.Id))
            {
                EnsureVolumeCanServe(volume, service.Id, wanted, "deployment.instances");
            }
        }

        service.Description = input.Description ?? service.Description;
        service.Tags = input.Tags ?? service.Tags;
        var redeploy = ApplyConfiguration(service, input);
        var rescale = ApplyInstances(service, input.Instances);
        service.UpdatedAt = Now;
        if (redeploy || rescale)
        {
            Redeploy(service, redeploy ? DeploymentReason.Deploying : DeploymentReason.Scaling);
        }
    }

    /// <summary>True when something that needs new containers changed.</summary>
    private bool ApplyConfiguration(ServiceRecord service, ServiceInput input)
    {
        var changed = false;
        void Set<T>(T? wanted, T? current, Action<T> apply)
            where T : class
        {
            if (wanted is not null && !EqualityComparer<T>.Default.Equals(wanted, current))
            {
                apply(wanted);
                changed = true;
            }
        }

        Set(input.Plan, service.Plan, v => service.Plan = v);
        Set(input.ImagePath, service.ImagePath, v => service.ImagePath = v);
        Set(input.Credentials, service.Credentials, v => service.Credentials = v);
        Set(input.Docker, service.Docker, v => service.Docker = v);
        if (input.EphemeralStorageSize is { } size && size != service.EphemeralStorageSize)
        {
            service.EphemeralStorageSize = size;
            changed = true;
        }

        if (input.Metadata is not null && !JsonNode.DeepEquals(input.Metadata, service.Metadata))
        {
            service.Metadata = input.Metadata.DeepClone();
            changed = true;
        }

        if (input.Ports is not null && !SamePorts(service.Ports, input.Ports))
        {
            service.Ports = AssignPortIds(input.Ports, service.Ports);
            changed = true;
        }

        if (EnvironmentAfter(service.Environment, input) is { } environment && !SameEnvironment(service.Environment, environment))
        {
            service.Environment = environment;
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// True when the running count changed; on a paused service only what resume restores changes, unless the simulator
    /// follows the reading where an instance count above 0 resumes it (<see cref="ReadingOptions.InstancesResumePausedService"/>).
    /// </summary>
    private bool ApplyInstances(ServiceRecord service, int? instances)
    {
        if (instances is not { } count)
        {
            return false;
        }

        if (service.Paused && count > 0 && options.Readings.InstancesResumePausedService)
        {
            service.Paused = false;
        }
        else if (service.Paused)
        {
            service.InstancesBeforePause = count;
            return false;
        }

        var changed = count != service.Instances;
        service.Instances = count;
        service.InstancesBeforePause = count;
        return changed;
    }

    private void Redeploy(ServiceRecord service, DeploymentReason reason, DateTimeOffset? at = null)
    {
        var when = at ?? Now;
        service.Rollout = DeploymentStateMachine.Start(when, reason, service.ImagePath, service.Instances, Timing);
        service.DeploymentCount++;
        service.UpdatedAt = when;
        RecordDeployment(service, reason, when);
    }

    /// <summary>Notes what the deployment starting now runs with: its instances and the volumes attached at this moment.</summary>
    private void RecordDeployment(ServiceRecord service, DeploymentReason reason, DateTimeOffset when) =>
        service.Deployments.Add(new DeploymentRecord(
            service.DeploymentCount, reason, when, service.Instances, [.. AttachedVolumes(projects[service.ProjectId], service.Id).Select(v => v.Id)])
        {
            FailureMessage = service.Rollout.FailureMessage,
        });

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
                id = existing.FirstOrDefault(p => p.Name == port.Name)?.Id ?? $"p-{random.NextId(10)}";
            }

            result.Add(new PortRecord(id, port.Name, port.InternalPort, port.Protocol, port.Public));
        }

        return result;
    }

    private static bool SamePorts(IReadOnlyList<PortRecord> current, IReadOnlyList<PortInput> wanted) =>
        current.Count == wanted.Count && current.Zip(wanted).All(pair =>
            pair.First.Name == pair.Second.Name && pair.First.InternalPort == pair.Second.InternalPort
            && pair.First.Protocol == pair.Second.Protocol && pair.First.Public == pair.Second.Public
            && (pair.Second.Id is null || pair.Second.Id == pair.First.Id));

    /// <summary>
    /// A variable given as null (RFC 7386's removal) is a 400 where the request is not a merge: on create, and on PUT/PATCH
    /// under the Replace reading (values are strings: the simulator's choice, S22).
    /// </summary>
    private static void RefuseRemovals(ServiceInput input, PatchReading reading)
    {
        if (input.EnvironmentRemovals is [var name, ..] && reading != PatchReading.Merge)
        {
            throw ApiException.BadRequest($"runtimeEnvironment.{name}", "must be a string (the simulator's choice; null removes a variable only under the Merge reading)");
        }
    }

    /// <summary>The environment after a PUT/PATCH: the given object (Replace), or the current one merged with it (Merge, RFC 7386).</summary>
    private Dictionary<string, string>? EnvironmentAfter(Dictionary<string, string> current, ServiceInput input)
    {
        if (options.Readings.Patch == PatchReading.Replace || (input.Environment is null && input.EnvironmentRemovals is not { Count: > 0 }))
        {
            return input.Environment;
        }

        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (name, value) in input.Environment ?? [])
        {
            merged[name] = value;
        }

        foreach (var name in input.EnvironmentRemovals ?? [])
        {
            merged.Remove(name);
        }

        return merged;
    }

    private static bool SameEnvironment(Dictionary<string, string> current, Dictionary<string, string> wanted) =>
        current.Count == wanted.Count
        && current.All(pair => wanted.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
