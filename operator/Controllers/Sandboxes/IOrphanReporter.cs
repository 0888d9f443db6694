using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>Says what the orphan collector found and did, on the config concerned (an Event there) and in metrics.</summary>
public interface IOrphanReporter
{
    void Found(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner);

    void Deleted(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner);
}
