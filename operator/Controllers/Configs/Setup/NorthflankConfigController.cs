using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Configs.Setup;

/// <summary>Keeps a NorthflankConfig's status: whether its token answers and which of its projects it sees.</summary>
public sealed class NorthflankConfigController(ConfigChecker checker, IStatusWriter<NorthflankConfig, NorthflankConfigStatus> writer) : IEntityController<NorthflankConfig>
{
    public async Task<ReconcileResult> ReconcileAsync(NorthflankConfig entity, CancellationToken ct)
    {
        var ns = entity.Metadata.NamespaceProperty;
        var secret = entity.Spec.CredentialsSecretRef;
        var (status, next) = await checker.CheckAsync(
            new ConfigKey(NorthflankConfig.EntityKind, ns, entity.Metadata.Name), entity.Spec, new SecretReference(ns, secret.Name, secret.Key),
            entity.Status, entity.Metadata.Generation, ct);
        await ConfigStatusOf.KeepAsync(writer, entity, entity.Status, status, ct);
        return ReconcileOutcome.After(next).ToResult();
    }

    public Task DeletedAsync(NorthflankConfig entity, CancellationToken ct) => Task.CompletedTask;
}
