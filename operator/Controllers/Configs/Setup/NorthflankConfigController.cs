using ControllerRuntime;
using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Configs;

namespace SandboxOperator.Hosting;

/// <summary>Keeps a NorthflankConfig's status: whether its token answers and which of its projects it sees.</summary>
public sealed class NorthflankConfigController(ConfigChecker checker, IEntityClient<NorthflankConfig> client) : IEntityController<NorthflankConfig>
{
    public async Task<ReconcileResult> ReconcileAsync(NorthflankConfig entity, CancellationToken ct)
    {
        var ns = entity.Metadata.NamespaceProperty;
        var secret = entity.Spec.CredentialsSecretRef;
        var (status, next) = await checker.CheckAsync(
            new ConfigKey(NorthflankConfig.EntityKind, ns, entity.Metadata.Name), entity.Spec, new SecretReference(ns, secret.Name, secret.Key),
            entity.Status, entity.Metadata.Generation, ct);
        await ConfigStatus.WriteAsync(client, entity.Metadata, status, ct);
        return ReconcileResult.Requeue(next);
    }

    public Task DeletedAsync(NorthflankConfig entity, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Keeps a ClusterNorthflankConfig's status: whether its token answers and which of its projects it sees.</summary>
public sealed class ClusterNorthflankConfigController(ConfigChecker checker, IEntityClient<ClusterNorthflankConfig> client) : IEntityController<ClusterNorthflankConfig>
{
    public async Task<ReconcileResult> ReconcileAsync(ClusterNorthflankConfig entity, CancellationToken ct)
    {
        var secret = entity.Spec.CredentialsSecretRef;
        var (status, next) = await checker.CheckAsync(
            new ConfigKey(ClusterNorthflankConfig.EntityKind, null, entity.Metadata.Name), entity.Spec, new SecretReference(secret.Namespace, secret.Name, secret.Key),
            entity.Status, entity.Metadata.Generation, ct);
        await ConfigStatus.WriteAsync(client, entity.Metadata, status, ct);
        return ReconcileResult.Requeue(next);
    }

    public Task DeletedAsync(ClusterNorthflankConfig entity, CancellationToken ct) => Task.CompletedTask;
}

internal static class ConfigStatus
{
    /// <summary>The whole status, conditional on the resourceVersion read (a conflict re-reads and tries again).</summary>
    public static Task WriteAsync<TEntity>(IEntityClient<TEntity> client, V1ObjectMeta metadata, NorthflankConfigStatus status, CancellationToken ct)
        where TEntity : IKubernetesObject<V1ObjectMeta> =>
        client.ReplaceStatusAsync(metadata, status, ct);
}
