using ControllerRuntime;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Controllers.Templates;
using SandboxOperator.Northflank;
using SandboxOperator.Telemetry;

namespace SandboxOperator.Hosting;

public static class OperatorServices
{
    public const string LeaseName = "northflank-sandbox-operator";

    /// <summary>The component named in the Events the operator writes.</summary>
    public const string ReportingComponent = "northflank-sandbox-operator";

    /// <summary>Registers the reconcilers, the Northflank client and the controller runtime that drives them.</summary>
    public static IServiceCollection AddSandboxOperator(this IServiceCollection services, OperatorOptions options)
    {
        options.Validate();
        var kubeconfig = options.Kubeconfig is { Length: > 0 } path ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
            : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        services.AddSingleton<IKubernetes>(new Kubernetes(kubeconfig));
        services.AddSingleton(options);
        services.AddSingleton(options.ToReconcilerOptions());
        var index = AddAccess(services, options);
        AddNorthflank(services, options);
        AddReferences(services);
        services.AddSingleton<ConfigChecker>();
        AddSandboxReconciler(services);
        PoolAndClaimServices.AddServices(services);
        TemplateStatusServices.AddServices(services);
        AddControllers(services, options, index);
        return services;
    }

    /// <summary>
    /// Configs and the Sandboxes that use them, read from the controllers' caches. The caches exist before the controllers
    /// do (they fill them once they run), so access resolution and the watch mappers that need it can be built here.
    /// </summary>
    private static ReferenceIndex AddAccess(IServiceCollection services, OperatorOptions options)
    {
        // The template cache is filled by the template controller's watch, the only watch of templates.
        var templates = new InformerCache<SandboxTemplate>();
        services.AddSingleton(templates);
        var configs = new ConfigDirectory(new InformerCache<NorthflankConfig>(), new InformerCache<ClusterNorthflankConfig>(), new InformerCache<Sandbox>(), templates);
        var access = new AccessResolver(configs, options.ToAccessOptions());
        var index = new ReferenceIndex(access, templates);
        services.AddSingleton(configs.NamespacedCache).AddSingleton(configs.ClusterCache).AddSingleton(configs.SandboxCache);
        services.AddSingleton(access).AddSingleton(index);
        services.AddSingleton<INorthflankConfigs>(configs).AddSingleton<ISandboxDirectory>(configs);
        return index;
    }

    /// <summary>
    /// The Northflank client factory. Every Northflank write checks the leadership fence just before it is sent: a deposed
    /// leader sends none. A token's circuit and lanes wake Sandboxes through the <see cref="WakeSource"/>; what the list
    /// cache keeps per token goes with the token.
    /// </summary>
    private static void AddNorthflank(IServiceCollection services, OperatorOptions options)
    {
        services.AddSingleton<WakeSource>();
        services.AddSingleton<INorthflankApiFactory>(sp =>
        {
            var fence = sp.GetRequiredService<ILeadershipFence>();
            var factory = new NorthflankApiFactory(
                options.Northflank, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(), fence.ThrowIfLost, options.Workers, sp.GetRequiredService<WakeSource>().Post);
            factory.Evicted += sp.GetRequiredService<ServiceListCache>().Forget;
            return factory;
        });
    }

    /// <summary>The Sandbox reconciler and what it is made of; the gauges read its memory and the orphan collector.</summary>
    private static void AddSandboxReconciler(IServiceCollection services)
    {
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

    /// <summary>The Sandbox controller (with what wakes it) and the two config controllers, on the leader-elected runtime.</summary>
    private static void AddControllers(IServiceCollection services, OperatorOptions options, ReferenceIndex index)
    {
        var runtime = new OperatorRuntimeOptions
        {
            LeaderElection = new LeaderElectionOptions { Enabled = options.LeaderElection, LeaseName = LeaseName, LeaseNamespace = options.LeaseNamespace ?? options.OwnNamespace },
            Events = new EventRecorderOptions { ReportingComponent = ReportingComponent },
            // The runtime's metrics (operator_reconciles_total, ...) go out under the operator's name, next to its own.
            TelemetryName = OperatorTelemetry.Name,
        };
        var controllers = services.AddOperatorRuntime(runtime)
            .AddController<Sandbox, SandboxController>(controller => ConfigureSandboxes(controller, options, index))
            // A config's own status write (its hourly check) must not check it again at once: only spec changes do.
            .AddController<NorthflankConfig, NorthflankConfigController>(controller =>
            {
                controller.WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged);
                if (options.WatchedNamespaces.Count > 0)
                {
                    controller.InNamespaces([.. options.WatchedNamespaces]);
                }
            })
            .AddController<ClusterNorthflankConfig, ClusterNorthflankConfigController>(controller =>
                controller.WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged).WithListWatch(sp => ClusterConfigs(sp, options)));
        PoolAndClaimServices.AddControllers(controllers, options);
        TemplateStatusServices.AddControllers(controllers, options);
    }

    private static void ConfigureSandboxes(ControllerBuilder<Sandbox> controller, OperatorOptions options, ReferenceIndex index)
    {
        controller.WithFinalizer<SandboxController>()
            .WithWorkers(options.Workers)
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
            .WatchesSource(sp => new OrphanSource(sp.GetRequiredService<OrphanCollector>()));
        if (options.WatchedNamespaces.Count > 0)
        {
            controller.InNamespaces([.. options.WatchedNamespaces]);
        }
    }

    /// <summary>Wakes the Sandboxes a change of <typeparamref name="T"/> (in its controller's cache) concerns.</summary>
    private static CacheSource<T> SandboxesUsing<T>(
        IServiceProvider services, Func<T, IReadOnlyEntityStore<Sandbox>, IEnumerable<ObjectKey>> map, Func<InformerEvent<T>, bool>? when = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var sandboxes = services.GetRequiredService<InformerCache<Sandbox>>();
        return new CacheSource<T>(services.GetRequiredService<InformerCache<T>>(), o => sandboxes.Store is { } store ? map(o, store) : [], when);
    }

    /// <summary>The ClusterNorthflankConfigs this operator serves: all, or those its selector picks.</summary>
    private static EntityClient<ClusterNorthflankConfig> ClusterConfigs(IServiceProvider services, OperatorOptions options) => new(
        services.GetRequiredService<IKubernetes>(),
        new ListWatchOptions { LabelSelector = string.IsNullOrWhiteSpace(options.ClusterConfigSelector) ? null : options.ClusterConfigSelector },
        services.GetRequiredService<ILeadershipFence>());
}
