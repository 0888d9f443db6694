using ControllerRuntime;
using k8s;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Configs.Setup;

/// <summary>How both config controllers write a config's status.</summary>
internal static class ConfigStatus
{
    /// <summary>The whole status, conditional on the resourceVersion read (a conflict re-reads and tries again).</summary>
    public static Task WriteAsync<TEntity>(IEntityClient<TEntity> client, V1ObjectMeta metadata, NorthflankConfigStatus status, CancellationToken ct)
        where TEntity : IKubernetesObject<V1ObjectMeta> =>
        client.ReplaceStatusAsync(metadata, status, ct);
}
