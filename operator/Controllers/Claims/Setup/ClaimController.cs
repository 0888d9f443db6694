using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Claims.Setup;

/// <summary>Plugs the claim reconciler into the runtime; a deleted claim's Sandbox is deleted at once.</summary>
public sealed class ClaimController(ClaimReconciler reconciler) : IEntityController<SandboxClaim>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxClaim entity, CancellationToken ct) =>
        (await reconciler.ReconcileAsync(entity, ct)).ToResult();

    public Task DeletedAsync(SandboxClaim entity, CancellationToken ct) => reconciler.DeletedAsync(entity, ct);
}
