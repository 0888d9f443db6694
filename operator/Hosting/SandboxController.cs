using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;

namespace SandboxOperator.Hosting;

/// <summary>
/// Plugs the reconciler into the runtime: its "look again after" becomes a requeue, so does a throttled token (at the
/// time it will serve the Sandbox), and an outage becomes a failure with the work queue's backoff.
/// </summary>
public sealed class SandboxController(SandboxReconciler reconciler, SandboxCleanup cleanup) : IEntityController<Sandbox>, IEntityFinalizer<Sandbox>
{
    public const string FinalizerName = "sandbox.northflank.com/cleanup";

    public string Identifier => FinalizerName;

    public Task<ReconcileResult> ReconcileAsync(Sandbox entity, CancellationToken ct) => Run(() => reconciler.ReconcileAsync(entity, ct));

    public Task<ReconcileResult> FinalizeAsync(Sandbox entity, CancellationToken ct) => Run(() => cleanup.FinalizeAsync(entity, ct));

    public Task DeletedAsync(Sandbox entity, CancellationToken ct)
    {
        reconciler.Forget(entity);
        return Task.CompletedTask;
    }

    private static async Task<ReconcileResult> Run(Func<Task<TimeSpan?>> step)
    {
        try
        {
            return await step() is { } after ? ReconcileResult.Requeue(after) : ReconcileResult.Success();
        }
        catch (NorthflankApiException e) when (e.IsThrottled)
        {
            // Not a failure: the token serves this Sandbox then, and the worker is free meanwhile.
            return ReconcileResult.Requeue(e.RetryAfter ?? TimeSpan.Zero);
        }
        catch (NorthflankApiException e) when (e.IsTransient)
        {
            return ReconcileResult.Failure(e, e.RetryAfter);
        }
    }
}
