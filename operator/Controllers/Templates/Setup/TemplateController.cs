using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Controllers.Templates.Setup;

/// <summary>Plugs the template status reconciler into the runtime.</summary>
public sealed class TemplateController(TemplateStatusReconciler reconciler) : IEntityController<SandboxTemplate>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxTemplate entity, CancellationToken ct) =>
        await reconciler.ReconcileAsync(entity, ct) is { } after ? ReconcileResult.Requeue(after) : ReconcileResult.Success();

    public Task DeletedAsync(SandboxTemplate entity, CancellationToken ct) => Task.CompletedTask;
}
