using ControllerRuntime;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Templates;

namespace SandboxOperator.Hosting;

/// <summary>Plugs the template status reconciler into the runtime.</summary>
public sealed class TemplateController(TemplateStatusReconciler reconciler) : IEntityController<SandboxTemplate>
{
    public async Task<ReconcileResult> ReconcileAsync(SandboxTemplate entity, CancellationToken ct) =>
        await reconciler.ReconcileAsync(entity, ct) is { } after ? ReconcileResult.Requeue(after) : ReconcileResult.Success();

    public Task DeletedAsync(SandboxTemplate entity, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>What names templates, from the Sandbox, pool and claim controllers' caches.</summary>
public sealed class TemplateUsers(InformerCache<Sandbox> sandboxes, InformerCache<SandboxWarmPool> pools, InformerCache<SandboxClaim> claims) : ITemplateUsers
{
    public bool Synced => sandboxes.HasSynced && pools.HasSynced && claims.HasSynced;

    public IReadOnlyList<Sandbox> Sandboxes(string namespaceName) => sandboxes.Store?.ListByNamespace(namespaceName) ?? [];

    public IReadOnlyList<SandboxWarmPool> Pools(string namespaceName) => pools.Store?.ListByNamespace(namespaceName) ?? [];

    public IReadOnlyList<SandboxClaim> Claims(string namespaceName) => claims.Store?.ListByNamespace(namespaceName) ?? [];
}

/// <summary>
/// The template status controller. It watches nothing but templates itself: Sandboxes, pools and claims wake the
/// template they name from their controllers' caches, and only when they come, go, start being deleted or name
/// another template (their status writes do not).
/// </summary>
public static class TemplateStatusServices
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<IStatusWriter<SandboxTemplate, SandboxTemplateStatus>, StatusWriter<SandboxTemplate, SandboxTemplateStatus>>();
        services.AddSingleton<ITemplateUsers, TemplateUsers>();
        services.AddSingleton<TemplateStatusReconciler>();
    }

    public static OperatorRuntimeBuilder AddControllers(OperatorRuntimeBuilder runtime, OperatorOptions options) => runtime
        .AddController<SandboxTemplate, TemplateController>(controller =>
        {
            // Its own status writes must not wake it again: only spec (hash) and metadata changes do.
            controller.WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .WatchesSource(sp => Referrers<Sandbox>(sp, s => s.Spec.TemplateRef))
                .WatchesSource(sp => Referrers<SandboxWarmPool>(sp, p => p.Spec.TemplateRef))
                .WatchesSource(sp => Referrers<SandboxClaim>(sp, c => c.Spec.TemplateRef));
            PoolAndClaimServices.InNamespaces(controller, options);
        });

    /// <summary>Wakes the template a <typeparamref name="T"/> names, before and after a change that concerns it.</summary>
    private static CacheSource<T> Referrers<T>(IServiceProvider services, Func<T, TemplateReference?> reference)
        where T : k8s.IKubernetesObject<V1ObjectMeta> => new(
        services.GetRequiredService<InformerCache<T>>(),
        o => reference(o) is { } r ? [new ObjectKey(o.Metadata.NamespaceProperty, r.Name)] : [],
        ev => TemplateUsage.Concerns(ev.OldObject?.Metadata, ev.OldObject is { } old ? reference(old) : null, ev.Object.Metadata, reference(ev.Object)));
}
