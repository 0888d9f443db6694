using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Northflank;
using SandboxOperator.Reconciler;
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
        services.AddSingleton<INorthflankApiFactory>(sp => new NorthflankApiFactory(options.Northflank, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => KubernetesReferenceReader.SecretCache(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<InformerCache<PartialObjectMetadata<V1Secret>>>()));
        services.AddSingleton(sp => KubernetesReferenceReader.ConfigMapCache(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<InformerCache<PartialObjectMetadata<V1ConfigMap>>>()));
        services.AddSingleton<IReferenceReader, KubernetesReferenceReader>();
        services.AddSingleton<ISandboxStatusWriter, SandboxStatusWriter>();
        services.AddSingleton<ISandboxEventSink, SandboxEventSink>();
        services.AddSingleton<CredentialMemory>();
        services.AddSingleton<ServiceListCache>();
        services.AddSingleton<ProgressWatch>();
        services.AddSingleton<NorthflankObserver>();
        services.AddSingleton<InputResolver>();
        services.AddSingleton<SandboxReconciler>();
        services.AddSingleton<SandboxCleanup>();

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
                // Secrets and ConfigMaps by metadata only: the mappers need names, and reconciles read the few that
                // Sandboxes refer to on demand (KubernetesReferenceReader). Whole objects would put every Secret in the
                // cluster, Helm's releases included, into the operator's memory.
                .WatchesSecrets((secret, sandboxes) => ReferenceIndex.SandboxesUsingSecret(
                    ObjectKey.Of(secret), sandboxes, reconcilerOptions.DefaultCredentialsNamespace!, reconcilerOptions.DefaultCredentialsSecretName))
                .WatchesMetadata<V1ConfigMap>((configMap, sandboxes) => ReferenceIndex.SandboxesUsingConfigMap(ObjectKey.Of(configMap), sandboxes))
                // A wake carries news for exactly one Sandbox, usually the news that makes it Ready: it goes ahead of
                // new Sandboxes, so a burst of creates does not hold up every Ready behind it.
                .WatchesSource(sp => new ProgressSource(sp.GetRequiredService<ProgressWatch>()), priority: true);
            if (options.WatchedNamespaces.Count > 0)
            {
                controller.InNamespaces([.. options.WatchedNamespaces]);
            }
        });
        return services;
    }
}
