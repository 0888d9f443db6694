using ControllerRuntime;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;

namespace SandboxOperator.Controllers.Configs.Setup;

/// <summary>
/// The two config controllers: each checks its configs' tokens and projects. A config's own status write (its hourly
/// check) must not check it again at once: only spec changes do.
/// </summary>
public static class ConfigSetup
{
    /// <param name="clusterConfigSelector">A label selector of the ClusterNorthflankConfigs this operator serves; empty: all.</param>
    public static OperatorRuntimeBuilder AddConfigs(this OperatorRuntimeBuilder runtime, IReadOnlyList<string> namespaces, string? clusterConfigSelector)
    {
        runtime.Services.AddSingleton<ConfigChecker>();
        runtime.Services.AddSingleton<IStatusWriter<NorthflankConfig, NorthflankConfigStatus>, StatusWriter<NorthflankConfig, NorthflankConfigStatus>>();
        runtime.Services.AddSingleton<IStatusWriter<ClusterNorthflankConfig, NorthflankConfigStatus>, StatusWriter<ClusterNorthflankConfig, NorthflankConfigStatus>>();
        return runtime
            .AddController<NorthflankConfig, NorthflankConfigController>(controller => controller
                .WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .InWatchedNamespaces(namespaces))
            .AddController<ClusterNorthflankConfig, ClusterNorthflankConfigController>(controller => controller
                .WithWorkers(1).WithUpdatePredicate(Predicates.GenerationOrMetadataChanged)
                .WithListWatch(sp => ClusterConfigs(sp, clusterConfigSelector)));
    }

    /// <summary>The ClusterNorthflankConfigs this operator serves: all, or those its selector picks.</summary>
    private static EntityClient<ClusterNorthflankConfig> ClusterConfigs(IServiceProvider services, string? selector) => new(
        services.GetRequiredService<IKubernetes>(),
        new ListWatchOptions { LabelSelector = string.IsNullOrWhiteSpace(selector) ? null : selector },
        services.GetRequiredService<ILeadershipFence>());
}
