using ControllerRuntime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Controllers.Templates.Setup;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Controllers.Sandboxes.Setup;

/// <summary>
/// The Sandbox controller, what it is made of and what wakes it: Secrets and ConfigMaps it refers to, the configs and
/// templates it uses and news from Northflank (progress, a token's wake); and the orphan collector, which runs while this
/// replica leads.
/// </summary>
public static class SandboxSetup
{
    /// <param name="workers">Concurrent Sandbox reconciles.</param>
    /// <param name="index">Which Sandboxes a Secret, ConfigMap, config or template concerns (built with access resolution).</param>
    public static OperatorRuntimeBuilder AddSandboxes(this OperatorRuntimeBuilder runtime, int workers, IReadOnlyList<string> namespaces, ReferenceIndex index)
    {
        AddReconciler(runtime.Services);
        AddReferences(runtime.Services);
        return runtime
            .AddController<Sandbox, SandboxController>(controller => Configure(controller, workers, namespaces, index))
            .AddLeaderRunnable<OrphanRunnable>();
    }

    /// <summary>The Sandbox reconciler and what it is made of; the gauges read its memory and the orphan collector.</summary>
    private static void AddReconciler(IServiceCollection services)
    {
        services.AddSingleton<WakeSource>();
        services.AddSingleton<ISandboxWriter, SandboxWriter>();
        services.AddSingleton<SandboxMemory>();
        services.AddSingleton<ServiceListCache>();
        services.AddSingleton<ProgressWatch>();
        services.AddSingleton<SandboxAdmission>();
        services.AddSingleton<ISandboxTemplates>(sp => new TemplateDirectory(
            sp.GetRequiredService<InformerCache<SandboxTemplate>>(), new EntityClient<SandboxTemplate>(sp.GetRequiredService<IKubernetes>())));
        services.AddSingleton<InputResolver>();
        services.AddSingleton<IOrphanReporter, OrphanReporting>();
        services.AddSingleton<OrphanCollector>();
        services.AddSingleton<ISandboxExternalFactory, NorthflankSandboxExternals>();
        services.AddSingleton<SandboxConnector>();
        services.AddSingleton<SandboxExecutor>();
        services.AddSingleton<SandboxReconciler>();
        services.AddSingleton(sp => new SandboxMetrics(sp.GetRequiredService<SandboxMemory>().ReadyReasons, () => sp.GetRequiredService<OrphanCollector>().Count));
    }

    /// <summary>Referenced Secrets and ConfigMaps, read on demand and kept while their metadata watch shows them unchanged.</summary>
    private static void AddReferences(IServiceCollection services)
    {
        services.AddSingleton(sp => KubernetesReferenceReader.SecretCache(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<InformerCache<PartialObjectMetadata<V1Secret>>>()));
        services.AddSingleton(sp => KubernetesReferenceReader.ConfigMapCache(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<InformerCache<PartialObjectMetadata<V1ConfigMap>>>()));
        services.AddSingleton<IReferenceReader, KubernetesReferenceReader>();
    }

    private static void Configure(ControllerBuilder<Sandbox> controller, int workers, IReadOnlyList<string> namespaces, ReferenceIndex index) => controller
        .WithFinalizer<SandboxController>()
        .WithWorkers(workers)
        // Our own status writes must not trigger another reconcile (and another Northflank call), nor a claim taking a
        // pooled Sandbox (labels and owner): the Sandbox controller reads neither. Except a claim taking one that was
        // held to an older spec of its template (TemplatePin): it takes the template's change now.
        .WithUpdatePredicate((old, now) => Predicates.GenerationOrMetadataBesidesLabelsChanged(old, now) || TemplatePin.Released(old, now, index.TemplateOf(now)))
        // Secrets and ConfigMaps by metadata only: the mappers need names, and reconciles read the few that
        // Sandboxes refer to on demand (KubernetesReferenceReader). Whole objects would put every Secret in the
        // cluster, Helm's releases included, into the operator's memory.
        .WatchesSecrets((secret, sandboxes) => index.SandboxesUsingSecret(ObjectKey.Of(secret), sandboxes))
        .WatchesMetadata<V1ConfigMap>((configMap, sandboxes) => index.SandboxesUsingConfigMap(ObjectKey.Of(configMap), sandboxes))
        // Configs and templates from their own controllers' caches, the very ones every reconcile reads: a wake
        // never comes from a watch that is ahead of what the woken reconcile then reads (one informer per kind).
        .WatchesSource(sp => SandboxesUsing<NorthflankConfig>(sp, index.SandboxesUsingConfig))
        .WatchesSource(sp => SandboxesUsing<ClusterNorthflankConfig>(sp, index.SandboxesUsingConfig))
        // A template's change re-applies the Sandboxes in its namespace that name it, all at once (its return too);
        // its status writes do not.
        .WatchesSource(sp => SandboxesUsing<SandboxTemplate>(
            sp, (template, sandboxes) => TemplateDirectory.Using(template, sandboxes, s => s.Spec.TemplateRef?.Name), CacheSource<SandboxTemplate>.SpecOrMetadataChanged))
        // A wake carries news for exactly one Sandbox, usually the news that makes it Ready: it goes ahead of
        // new Sandboxes, so a burst of creates does not hold up every Ready behind it.
        .WatchesSource(sp => new ProgressSource(sp.GetRequiredService<ProgressWatch>()), priority: true)
        // So does a wake from a token: Northflank answers again after an outage, or the token has a worker free.
        .WatchesSource(sp => sp.GetRequiredService<WakeSource>(), priority: true)
        .InWatchedNamespaces(namespaces);

    /// <summary>Wakes the Sandboxes a change of <typeparamref name="T"/> (in its controller's cache) concerns.</summary>
    private static CacheSource<T> SandboxesUsing<T>(
        IServiceProvider services, Func<T, IReadOnlyEntityStore<Sandbox>, IEnumerable<ObjectKey>> map, Func<InformerEvent<T>, bool>? when = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var sandboxes = services.GetRequiredService<InformerCache<Sandbox>>();
        return new CacheSource<T>(services.GetRequiredService<InformerCache<T>>(), o => sandboxes.Store is { } store ? map(o, store) : [], when);
    }
}
