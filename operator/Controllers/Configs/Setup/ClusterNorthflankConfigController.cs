using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Configs.Setup;

/// <summary>Keeps a ClusterNorthflankConfig's status: whether its token answers and which of its projects it sees.</summary>
public sealed class ClusterNorthflankConfigController(ConfigChecker checker, IStatusWriter<ClusterNorthflankConfig, NorthflankConfigStatus> writer) : IEntityController<ClusterNorthflankConfig>
{
    public async Task<ReconcileResult> ReconcileAsync(ClusterNorthflankConfig entity, CancellationToken ct)
    {
        var secret = entity.Spec.CredentialsSecretRef;
        var (status, next) = await checker.CheckAsync(
            new ConfigKey(ClusterNorthflankConfig.EntityKind, null, entity.Metadata.Name), entity.Spec, new SecretReference(secret.Namespace, secret.Name, secret.Key),
            entity.Status, entity.Metadata.Generation, ct);
        await ConfigStatusOf.KeepAsync(writer, entity, entity.Status, status, ct);
        return ReconcileOutcome.After(next).ToResult();
    }

    public Task DeletedAsync(ClusterNorthflankConfig entity, CancellationToken ct) => Task.CompletedTask;
}
