using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Claims.Setup;

/// <summary>Plugs the claim reconciler into the runtime; a deleted claim's Sandbox is deleted at once.</summary>
public sealed class ClaimController(ClaimReconciler reconciler) : IEntityController<SandboxClaim>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxClaim entity, CancellationToken ct) =>
        await reconciler.ReconcileAsync(entity, ct) is { } after ? ReconcileResult.Requeue(after) : ReconcileResult.Success();

    public Task DeletedAsync(SandboxClaim entity, CancellationToken ct) => reconciler.DeletedAsync(entity, ct);
}
