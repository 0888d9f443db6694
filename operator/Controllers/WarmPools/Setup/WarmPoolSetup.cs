using ControllerRuntime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;
using SandboxOperator.Controllers.Templates.Setup;

namespace SandboxOperator.Controllers.WarmPools.Setup;

/// <summary>
/// The warm pool controller. It does not watch Sandboxes itself: it is woken from the Sandbox controller's cache (a
/// Sandbox's change wakes the pool that owns it, before and after the change), and a pool still waiting for a Sandbox
/// from the template controller's cache too (not from a template's status writes).
/// </summary>
public static class WarmPoolSetup
{
    public static OperatorRuntimeBuilder AddWarmPools(this OperatorRuntimeBuilder runtime, IReadOnlyList<string> namespaces)
    {
        runtime.Services.TryAddSingleton<ISandboxSet, SandboxSet>();
        runtime.Services.AddSingleton<IStatusWriter<SandboxWarmPool, SandboxWarmPoolStatus>, StatusWriter<SandboxWarmPool, SandboxWarmPoolStatus>>();
        runtime.Services.AddSingleton<PoolMemory>();
        runtime.Services.AddSingleton<WarmPoolReconciler>();
        return runtime.AddController<SandboxWarmPool, WarmPoolController>(controller => controller
            .WithWorkers(2).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
            .Owns<Sandbox>()
            .WatchesSource(sp => new CacheSource<SandboxTemplate>(
                sp.GetRequiredService<InformerCache<SandboxTemplate>>(),
                t => sp.GetRequiredService<InformerCache<SandboxWarmPool>>().Store is { } pools
                    ? TemplateDirectory.Using(t, pools, p => p.Spec.TemplateRef.Name)
                    : [],
                CacheSource<SandboxTemplate>.SpecOrMetadataChanged))
            .InWatchedNamespaces(namespaces));
    }
}
