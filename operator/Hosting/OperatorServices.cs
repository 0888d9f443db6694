using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;
using SandboxOperator.Reconciler;
using SandboxOperator.Reconciler.Access;
using SandboxOperator.Runtime;

namespace SandboxOperator.Hosting;

public static class OperatorServices
{
    /// <summary>Registers the reconciler, the Northflank client and the controller runtime that drives them.</summary>
    public static IServiceCollection AddSandboxOperator(this IServiceCollection services, OperatorOptions options)
    {
        options.Validate();
        var kubeconfig = options.Kubeconfig is { Length: > 0 } path ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
            : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        services.AddSingleton<IKubernetes>(new Kubernetes(kubeconfig));

        var reconcilerOptions = options.ToReconcilerOptions();
        services.AddSingleton(options);
        services.AddSingleton(reconcilerOptions);
        // The caches exist before the controller does (it fills them once it runs), so access resolution and the
        // watch mappers that need it can be built here.
        var configs = new ConfigDirectory(new InformerCache<NorthflankConfig>(), new InformerCache<ClusterNorthflankConfig>(), new InformerCache<Sandbox>());
        var access = new AccessResolver(configs, configs, options.ToAccessOptions());
        var index = new ReferenceIndex(access);
        services.AddSingleton(configs.NamespacedCache).AddSingleton(configs.ClusterCache).AddSingleton(configs.SandboxCache);
        services.AddSingleton(access);
        services.AddSingleton<INorthflankConfigs>(configs).AddSingleton<ISandboxDirectory>(configs);
        AddNorthflank(services, options);
        services.AddSingleton<IReferenceReader, KubernetesReferenceReader>();
        services.AddSingleton<ISandboxStatusWriter, SandboxStatusWriter>();
        services.AddSingleton<ISandboxEventSink, SandboxEventSink>();
        services.AddSingleton<CredentialMemory>();
        services.AddSingleton<ServiceListCache>();
        services.AddSingleton<ProgressWatch>();
        services.AddSingleton<NorthflankObserver>();
        services.AddSingleton<InputResolver>();
        services.AddSingleton<ConfigChecker>();
        services.AddSingleton<SandboxReconciler>();
        services.AddSingleton<SandboxCleanup>();

        AddControllers(services, options, index);
        return services;
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

    /// <summary>The Sandbox controller (with what wakes it) and the two config controllers, on the leader-elected runtime.</summary>
    private static void AddControllers(IServiceCollection services, OperatorOptions options, ReferenceIndex index)
    {
        var runtime = new OperatorRuntimeOptions
        {
            LeaderElection = new LeaderElectionOptions { Enabled = options.LeaderElection, LeaseName = "northflank-sandbox-operator", LeaseNamespace = options.LeaseNamespace ?? options.OwnNamespace },
        };
        services.AddOperatorRuntime(runtime).AddController<Sandbox, SandboxController>(controller =>
        {
            controller.WithFinalizer<SandboxController>()
                .WithWorkers(options.Workers)
                // Our own status writes must not trigger another reconcile (and another Northflank call).
                .WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .WatchesSecrets(index.SandboxesUsingSecret)
                .Watches<V1ConfigMap>(sp => ListWatches.ConfigMaps(sp.GetRequiredService<IKubernetes>()), ReferenceIndex.SandboxesUsingConfigMap)
                .Watches<NorthflankConfig>(sp => new EntityClient<NorthflankConfig>(sp.GetRequiredService<IKubernetes>()), index.SandboxesUsingConfig)
                .Watches<ClusterNorthflankConfig>(sp => new EntityClient<ClusterNorthflankConfig>(sp.GetRequiredService<IKubernetes>()), index.SandboxesUsingConfig, clusterScoped: true)
                // A wake carries news for exactly one Sandbox, usually the news that makes it Ready: it goes ahead of
                // new Sandboxes, so a burst of creates does not hold up every Ready behind it.
                .WatchesSource(sp => new ProgressSource(sp.GetRequiredService<ProgressWatch>()), priority: true)
                // So does a wake from a token: Northflank answers again after an outage, or the token has a worker free.
                .WatchesSource(sp => sp.GetRequiredService<WakeSource>(), priority: true);
            if (options.WatchedNamespaces.Count > 0)
            {
                controller.InNamespaces([.. options.WatchedNamespaces]);
            }
        })
        // A config's own status write (its hourly check) must not check it again at once: only spec changes do.
        .AddController<NorthflankConfig, NorthflankConfigController>(controller =>
        {
            controller.WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged);
            if (options.WatchedNamespaces.Count > 0)
            {
                controller.InNamespaces([.. options.WatchedNamespaces]);
            }
        })
        .AddController<ClusterNorthflankConfig, ClusterNorthflankConfigController>(controller => controller.WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged));
    }
}
