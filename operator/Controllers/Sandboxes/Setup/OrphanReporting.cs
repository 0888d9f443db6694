using ControllerRuntime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// Orphans as Events on each config that judges them, one that serves the namespace the marker names (for the operator's
/// implicit config, on its leader-election Lease, so they show in the operator's own namespace), and as log lines. An
/// orphan no config judges goes to the log only: an Event names its namespace and uid, which no other tenant may read.
/// </summary>
public sealed class OrphanReporting(IEventRecorder events, INorthflankConfigs configs, OperatorRuntimeOptions runtime, ILogger<OrphanReporting> logger) : IOrphanReporter
{
    public void Found(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner) =>
        Record(config, EventType.Warning, "OrphanFound",
            $"service {serviceId} in project {projectId} carries this cluster's marker but its Sandbox (namespace {owner.Namespace}, uid {owner.Uid}) is gone");

    public void Deleted(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner) =>
        Record(config, EventType.Normal, "OrphanDeleted",
            $"deleted service {serviceId} in project {projectId}: its Sandbox (namespace {owner.Namespace}, uid {owner.Uid}) is gone");

    public void Unjudged(string projectId, string serviceId, OwnershipMarker.Owner owner) =>
        logger.LogWarning(
            "service {Service} in project {Project} carries this cluster's marker but its Sandbox (namespace {Namespace}, uid {Uid}) is gone, and no config in use on that token and project serves that namespace: left alone, only counted",
            serviceId, projectId, owner.Namespace, owner.Uid);

    private void Record(ConfigKey config, EventType type, string reason, string message)
    {
        logger.LogWarning("{Config}: {Reason}: {Message}", config, reason, message);
        IKubernetesObject<V1ObjectMeta>? target = config.Kind switch
        {
            NorthflankConfig.EntityKind => configs.Namespaced(config.Namespace!, config.Name),
            ClusterNorthflankConfig.EntityKind => configs.Cluster(config.Name),
            _ => new V1Lease { ApiVersion = "coordination.k8s.io/v1", Kind = "Lease", Metadata = new V1ObjectMeta { Name = runtime.LeaderElection.LeaseName, NamespaceProperty = runtime.LeaderElection.LeaseNamespace } },
        };
        if (target is not null)
        {
            _ = events.RecordAsync(target, type, reason, message);
        }
    }
}
