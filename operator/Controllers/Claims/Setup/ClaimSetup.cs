using ControllerRuntime;
using Microsoft.Extensions.DependencyInjection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Claims;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.WarmPools;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Hosting;

/// <summary>
/// The warm pool and claim controllers. Neither watches Sandboxes itself: both are woken from the Sandbox controller's
/// cache (a Sandbox's change wakes the pool or claim that owns it, before and after the change), and pools and claims
/// still waiting for a Sandbox from the template controller's cache too (not from a template's status writes).
/// </summary>
public static class PoolAndClaimServices
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<ISandboxSet, SandboxSet>();
        services.AddSingleton<IStatusWriter<SandboxWarmPool, SandboxWarmPoolStatus>, StatusWriter<SandboxWarmPool, SandboxWarmPoolStatus>>();
        services.AddSingleton<IStatusWriter<SandboxClaim, SandboxClaimStatus>, StatusWriter<SandboxClaim, SandboxClaimStatus>>();
        services.AddSingleton<IWarmPools, WarmPoolDirectory>();
        services.AddSingleton<PoolMemory>();
        services.AddSingleton<WarmPoolReconciler>();
        services.AddSingleton<TakenSandboxes>();
        services.AddSingleton<ClaimReconciler>();
        services.AddSingleton(sp => new ClaimMetrics(() => PoolReplicasOf(sp.GetRequiredService<InformerCache<SandboxWarmPool>>())));
    }

    public static OperatorRuntimeBuilder AddControllers(OperatorRuntimeBuilder runtime, OperatorOptions options) => runtime
        .AddController<SandboxWarmPool, WarmPoolController>(controller =>
        {
            controller.WithWorkers(2).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .WatchesSource(sp => new CacheSource<Sandbox>(sp.GetRequiredService<InformerCache<Sandbox>>(), s => CacheSource<Sandbox>.Owner(s, SandboxWarmPool.EntityKind)))
                .WatchesSource(sp => new CacheSource<SandboxTemplate>(
                    sp.GetRequiredService<InformerCache<SandboxTemplate>>(),
                    t => sp.GetRequiredService<InformerCache<SandboxWarmPool>>().Store is { } pools
                        ? TemplateDirectory.Using(t, pools, p => p.Spec.TemplateRef.Name)
                        : [],
                    CacheSource<SandboxTemplate>.SpecOrMetadataChanged));
            InNamespaces(controller, options);
        })
        // A burst of claims is bound in parallel: a bind is two API server calls and no Northflank call, TakenSandboxes keeps
        // the workers on different pooled Sandboxes, and the bind patch's resourceVersion decides any race left.
        .AddController<SandboxClaim, ClaimController>(controller =>
        {
            controller.WithWorkers(8).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .WatchesSource(sp => new CacheSource<Sandbox>(sp.GetRequiredService<InformerCache<Sandbox>>(), s => CacheSource<Sandbox>.Owner(s, SandboxClaim.EntityKind)))
                // A template's return binds the claims that waited for it at once, not on their next retry.
                .WatchesSource(sp => new CacheSource<SandboxTemplate>(
                    sp.GetRequiredService<InformerCache<SandboxTemplate>>(),
                    t => ClaimsWaitingFor(t, sp.GetRequiredService<InformerCache<SandboxClaim>>(), sp.GetRequiredService<InformerCache<SandboxWarmPool>>()),
                    CacheSource<SandboxTemplate>.SpecOrMetadataChanged));
            InNamespaces(controller, options);
        });

    /// <summary>The claims in the template's namespace with no Sandbox yet that name it, themselves or through their pool.</summary>
    private static IEnumerable<ObjectKey> ClaimsWaitingFor(SandboxTemplate template, InformerCache<SandboxClaim> claims, InformerCache<SandboxWarmPool> pools)
    {
        var ns = template.Metadata.NamespaceProperty;
        return (claims.Store?.ListByNamespace(ns) ?? [])
            .Where(c => c.Status?.SandboxName is null)
            .Where(c => (c.Spec.WarmPoolRef is { } pool && pools.TryGet(ns, pool.Name, out var p) ? p.Spec.TemplateRef.Name : c.Spec.TemplateRef?.Name) == template.Metadata.Name)
            .Select(c => ObjectKey.Of(c));
    }

    /// <summary>Each pool's unclaimed Sandboxes as its last status said (none before the cache has synced).</summary>
    private static IEnumerable<PoolReplicas> PoolReplicasOf(InformerCache<SandboxWarmPool> pools) =>
        pools.List().Select(p => new PoolReplicas($"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}", p.Status?.ReadyReplicas ?? 0, p.Status?.Replicas ?? 0));

    internal static void InNamespaces<T>(ControllerBuilder<T> controller, OperatorOptions options)
        where T : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
    {
        if (options.WatchedNamespaces.Count > 0)
        {
            controller.InNamespaces([.. options.WatchedNamespaces]);
        }
    }
}
