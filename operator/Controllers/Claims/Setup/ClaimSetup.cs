using ControllerRuntime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Controllers.Claims.Setup;

/// <summary>
/// The claim controller. It does not watch Sandboxes itself: it is woken from the Sandbox controller's cache (a
/// Sandbox's change wakes the claim that owns it, before and after the change), and a claim still waiting for a Sandbox
/// from the template controller's cache too (not from a template's status writes).
/// </summary>
public static class ClaimSetup
{
    // A burst of claims is bound in parallel: a bind is two API server calls and no Northflank call, TakenSandboxes keeps
    // the workers on different pooled Sandboxes, and the bind patch's resourceVersion decides any race left.
    public static OperatorRuntimeBuilder AddClaims(this OperatorRuntimeBuilder runtime, IReadOnlyList<string> namespaces)
    {
        runtime.Services.TryAddSingleton<ISandboxSet, SandboxSet>();
        runtime.Services.AddSingleton<IStatusWriter<SandboxClaim, SandboxClaimStatus>, StatusWriter<SandboxClaim, SandboxClaimStatus>>();
        runtime.Services.AddSingleton<IWarmPools, WarmPoolDirectory>();
        runtime.Services.AddSingleton<TakenSandboxes>();
        runtime.Services.AddSingleton<ClaimReconciler>();
        runtime.Services.AddSingleton(sp => new ClaimMetrics(() => PoolReplicasOf(sp.GetRequiredService<InformerCache<SandboxWarmPool>>())));
        return runtime.AddController<SandboxClaim, ClaimController>(controller => controller
            .WithWorkers(8).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
            .Owns<Sandbox>()
            // A template's return binds the claims that waited for it at once, not on their next retry.
            .WatchesSource(sp => new CacheSource<SandboxTemplate>(
                sp.GetRequiredService<InformerCache<SandboxTemplate>>(),
                t => ClaimsWaitingFor(t, sp.GetRequiredService<InformerCache<SandboxClaim>>(), sp.GetRequiredService<InformerCache<SandboxWarmPool>>()),
                CacheSource<SandboxTemplate>.SpecOrMetadataChanged))
            .InWatchedNamespaces(namespaces));
    }

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
}
