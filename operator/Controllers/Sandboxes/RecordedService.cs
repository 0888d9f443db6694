using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Controllers.Sandboxes;

/// <summary>
/// The service a Sandbox created (or adopted, once its marker was written), as the operator recorded it: in status,
/// which tenants cannot write, or in memory from the moment a create is sent until status says so. It is the only
/// thing a delete or an orphan release ever targets: never the annotation, the spec's project or the spec's config,
/// which a tenant may have changed since. Nothing recorded means nothing was created, so nothing is deleted.
/// </summary>
/// <param name="Config">The config it was applied through; null in a status written before configs were recorded.</param>
public sealed record RecordedService(string ProjectId, string ServiceId, ConfigKey? Config)
{
    public static RecordedService? Of(Sandbox sandbox, SandboxRecord record) => InStatus(sandbox) ?? record.Created;

    /// <summary>What status recorded, alone: the connect API reaches a service only once status names it.</summary>
    public static RecordedService? InStatus(Sandbox sandbox) =>
        sandbox.Status is { ServiceId: { } serviceId, ProjectId: { } projectId } status
            ? new RecordedService(projectId, serviceId, ConfigKey.FromStatus(status.Config, sandbox.Metadata.NamespaceProperty))
            : null;
}
