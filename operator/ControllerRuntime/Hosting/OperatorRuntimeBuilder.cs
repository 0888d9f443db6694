using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ControllerRuntime;

public sealed record OperatorRuntimeOptions
{
    public LeaderElectionOptions LeaderElection { get; init; } = new();

    public EventRecorderOptions Events { get; init; } = new();

    /// <summary>Name of the runtime's Meter and ActivitySource (<see cref="ControllerTelemetry"/>): subscribe to it.</summary>
    public string TelemetryName { get; init; } = ControllerTelemetry.DefaultName;
}

/// <summary>A controller the host builds once it may run (after winning leader election).</summary>
public interface IControllerRegistration
{
    string Name { get; }

    IRunnableController Build(IServiceProvider services);
}

public static class OperatorRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the runtime: <see cref="OperatorHost"/>, <see cref="OperatorHealth"/>, <see cref="IEventRecorder"/>,
    /// <see cref="ControllerTelemetry"/>, <see cref="TimeProvider"/>, the <see cref="ILeadershipFence"/> that every
    /// write on the leader's behalf checks (a <see cref="LeaseFence"/> under leader election, else always held) and,
    /// unless already registered, an <see cref="IKubernetes"/> from the in-cluster config or the default kubeconfig.
    /// </summary>
    public static OperatorRuntimeBuilder AddOperatorRuntime(this IServiceCollection services, OperatorRuntimeOptions? options = null)
    {
        var opts = options ?? new OperatorRuntimeOptions();
        services.TryAddSingleton(opts);
        services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(
            KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ControllerTelemetry(sp.GetRequiredService<OperatorRuntimeOptions>().TelemetryName));
        services.TryAddSingleton<OperatorHealth>();
        services.TryAddSingleton(sp => new LeaseFence(
            sp.GetRequiredService<OperatorRuntimeOptions>().LeaderElection.RenewDeadline, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ILeadershipFence>(sp => sp.GetRequiredService<OperatorRuntimeOptions>().LeaderElection.Enabled
            ? sp.GetRequiredService<LeaseFence>()
            : AlwaysHeldFence.Instance);
        services.TryAddSingleton<IEventSink>(sp => new KubernetesEventSink(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<ILeadershipFence>()));
        services.TryAddSingleton<IEventRecorder>(sp => new EventRecorder(
            sp.GetRequiredService<IEventSink>(),
            sp.GetRequiredService<OperatorRuntimeOptions>().Events,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<EventRecorder>>()));
        services.AddHostedService<OperatorHost>();
        return new OperatorRuntimeBuilder(services);
    }
}

public sealed class OperatorRuntimeBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Reconcile <typeparamref name="TEntity"/> with <typeparamref name="TController"/> (scoped: one instance per
    /// reconcile). Configure finalizers, secondary watches, workers and predicates on the <see cref="ControllerBuilder{TEntity}"/>.
    /// Its cache is readable through the <see cref="InformerCache{TEntity}"/> singleton.
    /// </summary>
    public OperatorRuntimeBuilder AddController<TEntity, TController>(Action<ControllerBuilder<TEntity>>? configure = null)
        where TEntity : IKubernetesObject<V1ObjectMeta>
        where TController : class, IEntityController<TEntity>
    {
        Services.TryAddScoped<IEntityController<TEntity>, TController>();
        Services.TryAddSingleton<IEntityClient<TEntity>>(sp => new EntityClient<TEntity>(
            sp.GetRequiredService<IKubernetes>(), fence: sp.GetRequiredService<ILeadershipFence>()));
        Services.TryAddSingleton<InformerCache<TEntity>>();
        var builder = new ControllerBuilder<TEntity>(Services);
        configure?.Invoke(builder);
        Services.AddSingleton<IControllerRegistration>(builder);
        return this;
    }

    /// <summary>
    /// Runs <typeparamref name="TRunnable"/> (a singleton) while this replica leads; see <see cref="ILeaderRunnable"/>.
    /// Registering the same type twice runs it once.
    /// </summary>
    public OperatorRuntimeBuilder AddLeaderRunnable<TRunnable>()
        where TRunnable : class, ILeaderRunnable
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILeaderRunnable, TRunnable>());
        return this;
    }
}

/// <summary>How one controller is put together; also its <see cref="IControllerRegistration"/>.</summary>
public sealed class ControllerBuilder<TEntity> : IControllerRegistration
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly IServiceCollection services;
    private readonly List<Action<IServiceProvider, Controller<TEntity>>> secondaries = [];
    private Func<IServiceProvider, IListWatch<TEntity>>? listWatch;
    private UpdatePredicate<TEntity>? predicate;

    internal ControllerBuilder(IServiceCollection services)
    {
        this.services = services;
        this.services.TryAddSingleton<InformerCache<TEntity>>();
        Name = EntityMetadata.For<TEntity>().Kind.ToLowerInvariant();
    }

    public string Name { get; private set; }

    public ControllerOptions Options { get; private set; } = new();

    public ControllerBuilder<TEntity> WithName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        return this;
    }

    /// <summary>Adds a finalizer (scoped). Its identifier is added before the first reconcile.</summary>
    public ControllerBuilder<TEntity> WithFinalizer<TFinalizer>()
        where TFinalizer : class, IEntityFinalizer<TEntity>
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IEntityFinalizer<TEntity>, TFinalizer>());
        return this;
    }

    public ControllerBuilder<TEntity> WithWorkers(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Options = Options with { Workers = workers };
        return this;
    }

    /// <summary>Watch only these namespaces (primary and secondaries); default all.</summary>
    public ControllerBuilder<TEntity> InNamespaces(params string[] namespaces)
    {
        Options = Options with { Namespaces = namespaces };
        return this;
    }

    public ControllerBuilder<TEntity> Configure(Func<ControllerOptions, ControllerOptions> configure)
    {
        Options = configure(Options);
        return this;
    }

    /// <summary>Filters update events of the primary type (e.g. <see cref="Predicates.GenerationOrMetadataChanged{TEntity}"/>).
    /// Adds, deletes and deletion-started updates always pass.</summary>
    public ControllerBuilder<TEntity> WithUpdatePredicate(UpdatePredicate<TEntity> predicate)
    {
        this.predicate = predicate;
        return this;
    }

    /// <summary>Overrides how the primary type is listed and watched (default: <see cref="EntityClient{TEntity}"/>).</summary>
    public ControllerBuilder<TEntity> WithListWatch(Func<IServiceProvider, IListWatch<TEntity>> listWatch)
    {
        this.listWatch = listWatch;
        return this;
    }

    /// <summary>
    /// Watches <typeparamref name="TSecondary"/> and enqueues the primary keys the mapper returns for each change.
    /// Its cache is readable through the <see cref="InformerCache{TSecondary}"/> singleton.
    /// </summary>
    /// <param name="clusterScoped">The type has no namespace: watch it whole, whatever namespaces the controller is limited to.</param>
    /// <param name="predicate">Which updates are mapped (e.g. <see cref="Predicates.GenerationOrMetadataChanged{TEntity}"/>
    /// to ignore status writes); default all. Adds and deletes always are.</param>
    public ControllerBuilder<TEntity> Watches<TSecondary>(
        Func<IServiceProvider, IListWatch<TSecondary>> listWatch,
        Func<TSecondary, IReadOnlyEntityStore<TEntity>, IEnumerable<ObjectKey>> mapper,
        bool clusterScoped = false,
        UpdatePredicate<TSecondary>? predicate = null)
        where TSecondary : IKubernetesObject<V1ObjectMeta>
    {
        services.TryAddSingleton<InformerCache<TSecondary>>();
        secondaries.Add((sp, controller) => sp.GetRequiredService<InformerCache<TSecondary>>().Attach(controller.Watch(listWatch(sp), mapper, clusterScoped, predicate)));
        return this;
    }

    /// <summary>
    /// Reconciles the owner of each <typeparamref name="TOwned"/> that changes: the <typeparamref name="TEntity"/> its
    /// controller ownerReference names (controller-runtime's <c>Owns</c>; see <see cref="Controller{TEntity}.Owns{TOwned}"/>).
    /// Shares the one informer of <typeparamref name="TOwned"/> (its <see cref="InformerCache{TOwned}"/>) and opens no
    /// watch: <typeparamref name="TOwned"/> must have its own controller or be watched by one (<c>Watches</c>).
    /// </summary>
    /// <param name="predicate">Which updates wake the owner; default all (its status too). Adds and deletes always do.</param>
    public ControllerBuilder<TEntity> Owns<TOwned>(UpdatePredicate<TOwned>? predicate = null)
        where TOwned : IKubernetesObject<V1ObjectMeta>
    {
        services.TryAddSingleton<InformerCache<TOwned>>();
        secondaries.Add((sp, controller) => controller.Owns(sp.GetRequiredService<InformerCache<TOwned>>(), predicate));
        return this;
    }

    /// <summary>Also reconciles the keys an external <see cref="IKeySource"/> names (e.g. a poller of a cloud API).</summary>
    /// <param name="priority">Its keys go to workers before those from watches and requeues.</param>
    public ControllerBuilder<TEntity> WatchesSource(Func<IServiceProvider, IKeySource> source, bool priority = false)
    {
        secondaries.Add((sp, controller) => controller.AddSource(source(sp), priority));
        return this;
    }

    /// <summary>
    /// Watches the metadata of <typeparamref name="TSecondary"/> only (<see cref="MetadataListWatch{TEntity}"/>) and maps
    /// each change to primary keys: what a mapper by name needs, at a fraction of the memory of whole objects. The
    /// metadata is readable through the <see cref="InformerCache{T}"/> of <see cref="PartialObjectMetadata{TSecondary}"/>.
    /// </summary>
    public ControllerBuilder<TEntity> WatchesMetadata<TSecondary>(
        Func<PartialObjectMetadata<TSecondary>, IReadOnlyEntityStore<TEntity>, IEnumerable<ObjectKey>> mapper,
        ListWatchOptions? options = null)
        where TSecondary : IKubernetesObject<V1ObjectMeta> =>
        Watches(sp => ListWatches.Metadata<TSecondary>(sp.GetRequiredService<IKubernetes>(), options), mapper);

    /// <summary>
    /// Watches Secrets by metadata only (optionally narrowed by a label selector) and maps them to primary keys. Never
    /// whole Secrets: a cache of them holds every Secret's data, and a cluster's Helm releases alone are hundreds of MB.
    /// </summary>
    public ControllerBuilder<TEntity> WatchesSecrets(
        Func<PartialObjectMetadata<V1Secret>, IReadOnlyEntityStore<TEntity>, IEnumerable<ObjectKey>> mapper,
        ListWatchOptions? options = null) =>
        WatchesMetadata(mapper, options);

    public IRunnableController Build(IServiceProvider services)
    {
        var client = services.GetRequiredService<IEntityClient<TEntity>>();
        var listWatch = this.listWatch?.Invoke(services)
            ?? client as IListWatch<TEntity>
            ?? throw new InvalidOperationException($"No list/watch for {typeof(TEntity).Name}; call WithListWatch.");
        var controller = new Controller<TEntity>(
            Name,
            listWatch,
            client,
            services.GetRequiredService<IServiceScopeFactory>(),
            Options,
            predicate,
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>(),
            services.GetService<ControllerTelemetry>(),
            services.GetService<ILeadershipFence>());
        services.GetRequiredService<InformerCache<TEntity>>().Attach(controller.Informer);
        foreach (var secondary in secondaries)
        {
            secondary(services, controller);
        }

        return controller;
    }
}
