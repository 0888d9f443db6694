using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// Plugs the Sandbox reconciler into the runtime, for live Sandboxes and deleting ones alike: a release becomes the
/// finalizer's removal, "look again after" a requeue, and an outage a failure with the work queue's backoff.
/// </summary>
public sealed class SandboxController(SandboxReconciler reconciler) : IEntityController<Sandbox>, IEntityFinalizer<Sandbox>
{
    public const string FinalizerName = "sandbox.northflank.com/cleanup";

    public string Identifier => FinalizerName;

    public async Task<ReconcileResult> ReconcileAsync(Sandbox entity, CancellationToken ct) => (await reconciler.ReconcileAsync(entity, ct)).ToResult();

    public async Task<ReconcileResult> FinalizeAsync(Sandbox entity, CancellationToken ct) => (await reconciler.ReconcileAsync(entity, ct)).ToResult();

    public Task DeletedAsync(Sandbox entity, CancellationToken ct)
    {
        reconciler.Forget(entity);
        return Task.CompletedTask;
    }
}
