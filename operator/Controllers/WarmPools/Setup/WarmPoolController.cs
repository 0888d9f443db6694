using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Claims;
using SandboxOperator.Controllers.WarmPools;

namespace SandboxOperator.Hosting;

/// <summary>Plugs the warm pool reconciler into the runtime.</summary>
public sealed class WarmPoolController(WarmPoolReconciler reconciler) : IEntityController<SandboxWarmPool>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxWarmPool entity, CancellationToken ct) =>
        await reconciler.ReconcileAsync(entity, ct) is { } after ? ReconcileResult.Requeue(after) : ReconcileResult.Success();

    public Task DeletedAsync(SandboxWarmPool entity, CancellationToken ct)
    {
        reconciler.Forget(entity);
        return Task.CompletedTask;
    }
}

/// <summary>Plugs the claim reconciler into the runtime; a deleted claim's Sandbox is deleted at once.</summary>
public sealed class ClaimController(ClaimReconciler reconciler) : IEntityController<SandboxClaim>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxClaim entity, CancellationToken ct) =>
        await reconciler.ReconcileAsync(entity, ct) is { } after ? ReconcileResult.Requeue(after) : ReconcileResult.Success();

    public Task DeletedAsync(SandboxClaim entity, CancellationToken ct) => reconciler.DeletedAsync(entity, ct);
}

/// <summary>Warm pools from the pool controller's cache; before it has synced, from the API server. Same namespace only.</summary>
public sealed class WarmPoolDirectory(InformerCache<SandboxWarmPool> cache, IEntityClient<SandboxWarmPool> client) : IWarmPools
{
    public async Task<SandboxWarmPool?> GetAsync(string namespaceName, string name, CancellationToken ct)
    {
        if (cache.HasSynced)
        {
            return cache.TryGet(namespaceName, name, out var pool) ? pool : null;
        }

        return await client.GetAsync(name, namespaceName, ct);
    }
}
