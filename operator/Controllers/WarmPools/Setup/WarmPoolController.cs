using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.WarmPools.Setup;

/// <summary>Plugs the warm pool reconciler into the runtime.</summary>
public sealed class WarmPoolController(WarmPoolReconciler reconciler) : IEntityController<SandboxWarmPool>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxWarmPool entity, CancellationToken ct) =>
        (await reconciler.ReconcileAsync(entity, ct)).ToResult();

    public Task DeletedAsync(SandboxWarmPool entity, CancellationToken ct)
    {
        reconciler.Forget(entity);
        return Task.CompletedTask;
    }
}
