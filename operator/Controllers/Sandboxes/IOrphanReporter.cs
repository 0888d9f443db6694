using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// Says what the orphan collector found and did: on the config concerned (an Event there, so only to a config that
/// serves the orphan's namespace) and in metrics.
/// </summary>
public interface IOrphanReporter
{
    void Found(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner);

    void Deleted(ConfigKey config, string projectId, string serviceId, OwnershipMarker.Owner owner);

    /// <summary>An orphan no tracked config serves the namespace of: for the operator's own log only, on no tenant's object.</summary>
    void Unjudged(string projectId, string serviceId, OwnershipMarker.Owner owner);
}
