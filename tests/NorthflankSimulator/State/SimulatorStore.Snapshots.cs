using NorthflankSimulator.Inspection;

namespace NorthflankSimulator.State;

internal sealed partial class SimulatorStore
{
    public SimulatorStateSnapshot Snapshot()
    {
        using (Enter())
        {
            return new SimulatorStateSnapshot(
                [.. projects.Values.Select(p => new ProjectSnapshot(p.Id, p.Description, p.DnsId, p.CreatedAt) { Name = p.Name })],
                [.. projects.Values.SelectMany(p => p.Services.Values).Select(ServiceSnapshot)],
                [.. projects.Values.SelectMany(p => p.Volumes.Values).Select(v => new VolumeSnapshot(
                    v.ProjectId, v.Id, v.AccessMode, v.StorageSize, [.. v.Tags], [.. v.AttachedServices]) { Name = v.Name })])
            {
                DeletedServices = [.. deleted],
            };
        }
    }

    public ServiceSnapshot? FindService(string projectId, string serviceId)
    {
        using (Enter())
        {
            return projects.TryGetValue(projectId, out var project) && project.Services.TryGetValue(serviceId, out var service)
                ? ServiceSnapshot(service)
                : null;
        }
    }

    /// <summary>The simulator's whole view of a service, including what the API never shows (the failure reason).</summary>
    private ServiceSnapshot ServiceSnapshot(ServiceRecord s)
    {
        var status = StatusOf(s);
        var project = projects[s.ProjectId];
        var expiry = ExpiryOf(s);
        return new ServiceSnapshot(
            s.ProjectId, s.Id, status.PhaseName, status.ReasonName, status.Message, s.Paused, s.Instances, s.ImagePath, s.Plan,
            [.. s.Tags],
            [.. s.Ports.Select(p => new PortSnapshot(p.Id, p.Name, p.InternalPort, p.Protocol, p.Public, Views.Dns(p, s, project)))],
            [.. s.Environment.Keys],
            [.. project.Volumes.Values.Where(v => v.AttachedServices.Contains(s.Id)).Select(v => v.Id)],
            s.DeploymentCount)
        {
            DeploymentFinishedAt = status.Phase is DeploymentPhase.Completed or DeploymentPhase.Failed ? status.LastTransitionTime : null,
            Name = s.Name,
            Description = s.Description,
            Expiry = expiry is null ? null : new ServiceExpirySnapshot(expiry.ExpiryTime, expiry.ExpiredAt, expiry.ScheduledDeletion),
            Containers = [.. ContainerStates.Of(s, status).Select(c => new ContainerSnapshot(c.Name, c.Status))],
            Deployments = [.. s.Deployments.Select(d => new DeploymentSnapshot(
                d.Number, d.Reason == DeploymentReason.Scaling ? "SCALING" : "DEPLOYING", d.StartedAt, d.Instances, d.Volumes))],
        };
    }
}
