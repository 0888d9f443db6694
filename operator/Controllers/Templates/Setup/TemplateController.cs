using ControllerRuntime;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Templates.Setup;

/// <summary>Plugs the template status reconciler into the runtime.</summary>
public sealed class TemplateController(TemplateStatusReconciler reconciler) : IEntityController<SandboxTemplate>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxTemplate entity, CancellationToken ct) =>
        (await reconciler.ReconcileAsync(entity, ct)).ToResult();

    public Task DeletedAsync(SandboxTemplate entity, CancellationToken ct) => Task.CompletedTask;
}
