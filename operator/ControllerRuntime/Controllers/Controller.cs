using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControllerRuntime;

public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles (never two for the same key).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Namespaces to watch (primary and secondaries); empty = all.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public TimeSpan QueueBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan QueueMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long in-flight reconciles may run on after a stop before they are cancelled. Lost leadership
    /// cancels them at once instead (see <see cref="ILeadershipFence"/>).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public InformerOptions Informer { get; init; } = new();
}

/// <summary>
/// Reconciles one entity type: an informer feeds a work queue with keys; workers take the newest cached object
/// and call the registered <see cref="IEntityController{TEntity}"/> / <see cref="IEntityFinalizer{TEntity}"/>
/// (resolved from a fresh DI scope per reconcile). Reconciles run on the leadership fence's token, so losing
/// leadership cancels them at once.
/// </summary>
public sealed partial class Controller<TEntity> : IRunnableController
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly IEntityClient<TEntity> client;
    private readonly IServiceScopeFactory scopes;
    private readonly ControllerOptions options;
    private readonly UpdatePredicate<TEntity>? updatePredicate;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ILoggerFactory loggerFactory;
    private readonly ControllerTelemetry telemetry;
    private readonly ILeadershipFence fence;
    private readonly List<IInformer> informers = [];
    private readonly List<(IKeySource Source, bool Priority)> sources = [];
    private readonly ConcurrentDictionary<ObjectKey, TEntity> tombstones = new();

    public Controller(
        string name,
        IListWatch<TEntity> listWatch,
        IEntityClient<TEntity> client,
        IServiceScopeFactory scopes,
        ControllerOptions? options = null,
        UpdatePredicate<TEntity>? updatePredicate = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null,
        ControllerTelemetry? telemetry = null,
        ILeadershipFence? fence = null)
    {
        Name = name;
        this.fence = fence ?? AlwaysHeldFence.Instance;
        this.client = client;
        this.scopes = scopes;
        this.options = options ?? new ControllerOptions();
        this.updatePredicate = updatePredicate;
        this.time = time ?? TimeProvider.System;
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        logger = this.loggerFactory.CreateLogger($"ControllerRuntime.Controller.{name}");
        this.telemetry = telemetry ?? ControllerTelemetry.Shared;
        Queue = new WorkQueue<ObjectKey>(
            new WorkQueueOptions { Name = name, BaseDelay = this.options.QueueBaseDelay, MaxDelay = this.options.QueueMaxDelay },
            this.time,
            this.telemetry);
        Informer = new Informer<TEntity>(listWatch, Controller<TEntity>.InformerOptionsFor(this.options), this.time, this.loggerFactory.CreateLogger($"ControllerRuntime.Informer.{name}"));
        Informer.AddEventHandler(OnPrimaryEvent);
        informers.Add(Informer);
    }

    public string Name { get; }

    public Informer<TEntity> Informer { get; }

    public WorkQueue<ObjectKey> Queue { get; }

    public IReadOnlyList<IInformer> Informers => informers;

    /// <summary>
    /// Also watch <typeparamref name="TSecondary"/>; every add/update/delete of one is mapped to primary keys to
    /// enqueue (e.g. a Secret to the objects that reference it). The mapper gets the primary cache for lookups.
    /// An update <paramref name="predicate"/> refuses does not map at all (adds and deletes always do).
    /// </summary>
    public Informer<TSecondary> Watch<TSecondary>(
        IListWatch<TSecondary> listWatch,
        Func<TSecondary, IReadOnlyEntityStore<TEntity>, IEnumerable<ObjectKey>> mapper,
        bool clusterScoped = false,
        UpdatePredicate<TSecondary>? predicate = null)
        where TSecondary : IKubernetesObject<V1ObjectMeta>
    {
        var kind = EntityMetadata.For<TSecondary>().Kind;
        var informerOptions = clusterScoped ? options.Informer with { Namespaces = [] } : InformerOptionsFor(options);
        var informer = new Informer<TSecondary>(listWatch, informerOptions, time, loggerFactory.CreateLogger($"ControllerRuntime.Informer.{Name}.{kind}"));
        informer.AddEventHandler(ev =>
        {
            if (ev is { Type: InformerEventType.Updated, OldObject: { } old } && predicate is not null && !predicate(old, ev.Object))
            {
                return;
            }

            var keys = new HashSet<ObjectKey>(mapper(ev.Object, Informer.Store));
            if (ev.OldObject is not null)
            {
                keys.UnionWith(mapper(ev.OldObject, Informer.Store));
            }

            foreach (var key in keys)
            {
                Queue.Add(key);
            }
        });
        informers.Add(informer);
        return informer;
    }

    /// <summary>Also reconcile the keys <paramref name="source"/> names; it runs once the caches have synced.</summary>
    /// <param name="priority">Its keys are handed to workers before those from watches and requeues.</param>
    public void AddSource(IKeySource source, bool priority = false) => sources.Add((source, priority));

    public async Task RunAsync(CancellationToken ct)
    {
        using var stopCts = CancellationTokenSource.CreateLinkedTokenSource(ct, fence.Token);
        var stop = stopCts.Token;
        using var informerCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var informerTasks = informers.Select(i => i.RunAsync(informerCts.Token)).ToList();
        // Linked to the fence, not to ct: a stop lets reconciles drain, lost leadership cancels them at once.
        using var reconcileCts = CancellationTokenSource.CreateLinkedTokenSource(fence.Token);
        var workers = new List<Task>();
        try
        {
            logger.LogInformation("Starting controller {Controller}; waiting for caches to sync", Name);
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(stop)).Append(WaitForSharedCachesAsync(stop)));
            logger.LogInformation("Caches synced; starting {Workers} workers for {Controller}", options.Workers, Name);
            for (var i = 0; i < Math.Max(1, options.Workers); i++)
            {
                workers.Add(Task.Run(() => WorkerAsync(reconcileCts.Token), CancellationToken.None));
            }

            informerTasks.AddRange(sources.Select(s => Task.Run(() => RunSourceAsync(s.Source, s.Priority, informerCts.Token), CancellationToken.None)));

            await Task.Delay(Timeout.InfiniteTimeSpan, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (fence.Token.IsCancellationRequested)
            {
                logger.LogWarning("Leadership lost: in-flight reconciles of {Controller} cancelled, no more writes", Name);
            }

            logger.LogInformation("Stopping controller {Controller}", Name);
            var drained = await Queue.ShutDownWithDrainAsync(options.ShutdownTimeout, CancellationToken.None);
            if (!drained)
            {
                logger.LogWarning("Reconciles of {Controller} did not finish within {Timeout}; cancelling them", Name, options.ShutdownTimeout);
            }

            await reconcileCts.CancelAsync();
            await informerCts.CancelAsync();
            await Task.WhenAll(workers.Concat(informerTasks).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            logger.LogInformation("Controller {Controller} stopped", Name);
        }
    }

    private async Task RunSourceAsync(IKeySource source, bool priority, CancellationToken ct)
    {
        void Enqueue(ObjectKey key) => Queue.Add(key, priority);

        for (var attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await source.RunAsync(Enqueue, ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = Backoff.Exponential(options.QueueBaseDelay, options.QueueMaxDelay, attempt, 0.1);
                logger.LogError("Source {Source} of {Controller} failed, restarting in {Delay}: {ErrorType}: {Message}", source.GetType().Name, Name, delay, ex.GetType().Name, ex.Message);
                await Task.Delay(delay, time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        while (true)
        {
            ObjectKey key;
            try
            {
                (key, var shuttingDown) = await Queue.GetAsync(ct);
                if (shuttingDown)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ProcessAsync(key, ct);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    /// <summary>One reconcile of one key, with its span, log scope, metrics and requeue decision.</summary>
    internal async Task ProcessAsync(ObjectKey key, CancellationToken ct)
    {
        using var logScope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["controller"] = Name,
            ["namespace"] = key.Namespace,
            ["name"] = key.Name,
            ["object"] = key.ToString(),
        });
        using var activity = telemetry.StartReconcile(Name, key.Namespace, key.Name);
        var started = time.GetTimestamp();
        string result;
        try
        {
            result = await ProcessCoreAsync(key, ct);
        }
        catch (LeadershipLostException)
        {
            // A write was refused by the fence; the token may be cancelled a moment later. Nothing to retry here.
            result = ControllerTelemetry.ResultRequeue;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            result = ControllerTelemetry.ResultRequeue;
        }
        catch (Exception ex)
        {
            result = HandleFailure(key, ex, retryAfter: null);
        }

        activity?.SetTag("result", result);
        if (result == ControllerTelemetry.ResultError)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        telemetry.RecordReconcile(Name, result, time.GetElapsedTime(started));
    }

    private void OnPrimaryEvent(InformerEvent<TEntity> ev)
    {
        var key = ObjectKey.Of(ev.Object);
        switch (ev.Type)
        {
            case InformerEventType.Deleted:
                tombstones[key] = ev.Object;
                Queue.Add(key);
                break;
            case InformerEventType.Updated when ev.OldObject is not null && updatePredicate is not null
                && ev.Object.Metadata.DeletionTimestamp is null
                && !updatePredicate(ev.OldObject, ev.Object):
                break;
            default:
                Queue.Add(key);
                break;
        }
    }

    private static InformerOptions InformerOptionsFor(ControllerOptions options) =>
        options.Informer with { Namespaces = options.Namespaces.Count > 0 ? options.Namespaces : options.Informer.Namespaces };
}
