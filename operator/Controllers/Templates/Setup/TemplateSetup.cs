using ControllerRuntime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Templates.Setup;

/// <summary>
/// The template status controller. It watches nothing but templates itself: Sandboxes, pools and claims wake the
/// template they name from their controllers' caches, and only when they come, go, start being deleted or name
/// another template (their status writes do not).
/// </summary>
public static class TemplateSetup
{
    public static OperatorRuntimeBuilder AddTemplates(this OperatorRuntimeBuilder runtime, IReadOnlyList<string> namespaces)
    {
        runtime.Services.AddSingleton<IStatusWriter<SandboxTemplate, SandboxTemplateStatus>, StatusWriter<SandboxTemplate, SandboxTemplateStatus>>();
        runtime.Services.AddSingleton<ITemplateUsers, TemplateUsers>();
        runtime.Services.AddSingleton<TemplateStatusReconciler>();
        // Its own status writes must not wake it again: only spec (hash) and metadata changes do.
        return runtime.AddController<SandboxTemplate, TemplateController>(controller => controller
            .WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
            .WatchesSource(sp => Referrers<Sandbox>(sp, s => s.Spec.TemplateRef))
            .WatchesSource(sp => Referrers<SandboxWarmPool>(sp, p => p.Spec.TemplateRef))
            .WatchesSource(sp => Referrers<SandboxClaim>(sp, c => c.Spec.TemplateRef))
            .InWatchedNamespaces(namespaces));
    }

    /// <summary>Wakes the template a <typeparamref name="T"/> names, before and after a change that concerns it.</summary>
    private static CacheSource<T> Referrers<T>(IServiceProvider services, Func<T, TemplateReference?> reference)
        where T : IKubernetesObject<V1ObjectMeta> => new(
        services.GetRequiredService<InformerCache<T>>(),
        o => reference(o) is { } r ? [new ObjectKey(o.Metadata.NamespaceProperty, r.Name)] : [],
        ev => TemplateUsage.Concerns(ev.OldObject?.Metadata, ev.OldObject is { } old ? reference(old) : null, ev.Object.Metadata, reference(ev.Object)));
}
