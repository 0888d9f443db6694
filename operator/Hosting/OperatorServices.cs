using ControllerRuntime;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Connect;
using SandboxOperator.Controllers.Claims.Setup;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Configs.Setup;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Controllers.Sandboxes.Setup;
using SandboxOperator.Controllers.Templates.Setup;
using SandboxOperator.Controllers.WarmPools.Setup;
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
        AddControllers(services, options, index);
        services.AddConnect(ConnectServerOptions.From(options.ConnectAddress, options.ConnectCertFile, options.ConnectKeyFile), options.Northflank, options.ToAccessOptions(), options.ClusterConfigSelector);
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
        services.AddSingleton<INorthflankApiFactory>(sp =>
        {
            var fence = sp.GetRequiredService<ILeadershipFence>();
            var factory = new NorthflankApiFactory(
                options.Northflank, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(), fence.ThrowIfLost, options.Workers, sp.GetRequiredService<WakeSource>().Post);
            factory.Evicted += sp.GetRequiredService<ServiceListCache>().Forget;
            return factory;
        });
    }

    /// <summary>The runtime, leader-elected, and one line per kind: its controller, what wakes it and what it is made of.</summary>
    private static void AddControllers(IServiceCollection services, OperatorOptions options, ReferenceIndex index)
    {
        var runtime = new OperatorRuntimeOptions
        {
            LeaderElection = new LeaderElectionOptions { Enabled = options.LeaderElection, LeaseName = LeaseName, LeaseNamespace = options.LeaseNamespace ?? options.OwnNamespace },
            Events = new EventRecorderOptions { ReportingComponent = ReportingComponent },
            // The runtime's metrics (operator_reconciles_total, ...) go out under the operator's name, next to its own.
            TelemetryName = OperatorTelemetry.Name,
        };
        services.AddOperatorRuntime(runtime)
            .AddSandboxes(options.Workers, options.WatchedNamespaces, index)
            .AddConfigs(options.WatchedNamespaces, options.ClusterConfigSelector)
            .AddWarmPools(options.WatchedNamespaces)
            .AddClaims(options.WatchedNamespaces)
            .AddTemplates(options.WatchedNamespaces);
    }
}
