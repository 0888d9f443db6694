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
    private readonly IEntityClient<TEntity> _client;
    private readonly IServiceScopeFactory _scopes;
    private readonly ControllerOptions _options;
    private readonly UpdatePredicate<TEntity>? _updatePredicate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ControllerTelemetry _telemetry;
    private readonly ILeadershipFence _fence;
    private readonly List<IInformer> _informers = [];
    private readonly List<(IKeySource Source, bool Priority)> _sources = [];
    private readonly ConcurrentDictionary<ObjectKey, TEntity> _tombstones = new();

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
        _fence = fence ?? AlwaysHeldFence.Instance;
        _client = client;
        _scopes = scopes;
        _options = options ?? new ControllerOptions();
        _updatePredicate = updatePredicate;
        _time = time ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger($"ControllerRuntime.Controller.{name}");
        _telemetry = telemetry ?? ControllerTelemetry.Shared;
        Queue = new WorkQueue<ObjectKey>(
            new WorkQueueOptions { Name = name, BaseDelay = _options.QueueBaseDelay, MaxDelay = _options.QueueMaxDelay },
            _time,
            _telemetry);
        Informer = new Informer<TEntity>(listWatch, InformerOptionsFor(_options), _time, _loggerFactory.CreateLogger($"ControllerRuntime.Informer.{name}"));
        Informer.AddEventHandler(OnPrimaryEvent);
        _informers.Add(Informer);
    }

    public string Name { get; }

    public Informer<TEntity> Informer { get; }

    public WorkQueue<ObjectKey> Queue { get; }

    public IReadOnlyList<IInformer> Informers => _informers;

    /// <summary>
    /// Also watch <typeparamref name="TSecondary"/>; every add/update/delete of one is mapped to primary keys to
    /// enqueue (e.g. a Secret to the objects that reference it). The mapper gets the primary cache for lookups.
    /// </summary>
    public Informer<TSecondary> Watch<TSecondary>(
        IListWatch<TSecondary> listWatch,
        Func<TSecondary, IReadOnlyEntityStore<TEntity>, IEnumerable<ObjectKey>> mapper,
        bool clusterScoped = false)
        where TSecondary : IKubernetesObject<V1ObjectMeta>
    {
        var kind = EntityMetadata.For<TSecondary>().Kind;
        var informerOptions = clusterScoped ? _options.Informer with { Namespaces = [] } : InformerOptionsFor(_options);
        var informer = new Informer<TSecondary>(listWatch, informerOptions, _time, _loggerFactory.CreateLogger($"ControllerRuntime.Informer.{Name}.{kind}"));
        informer.AddEventHandler(ev =>
        {
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
        _informers.Add(informer);
        return informer;
    }

    /// <summary>Also reconcile the keys <paramref name="source"/> names; it runs once the caches have synced.</summary>
    /// <param name="priority">Its keys are handed to workers before those from watches and requeues.</param>
    public void AddSource(IKeySource source, bool priority = false) => _sources.Add((source, priority));

    public async Task RunAsync(CancellationToken ct)
    {
        using var stopCts = CancellationTokenSource.CreateLinkedTokenSource(ct, _fence.Token);
        var stop = stopCts.Token;
        using var informerCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var informerTasks = _informers.Select(i => i.RunAsync(informerCts.Token)).ToList();
        // Linked to the fence, not to ct: a stop lets reconciles drain, lost leadership cancels them at once.
        using var reconcileCts = CancellationTokenSource.CreateLinkedTokenSource(_fence.Token);
        var workers = new List<Task>();
        try
        {
            _logger.LogInformation("Starting controller {Controller}; waiting for caches to sync", Name);
            await Task.WhenAll(_informers.Select(i => i.WaitForSyncAsync(stop)));
            _logger.LogInformation("Caches synced; starting {Workers} workers for {Controller}", _options.Workers, Name);
            for (var i = 0; i < Math.Max(1, _options.Workers); i++)
            {
                workers.Add(Task.Run(() => WorkerAsync(reconcileCts.Token), CancellationToken.None));
            }

            informerTasks.AddRange(_sources.Select(s => Task.Run(() => RunSourceAsync(s.Source, s.Priority, informerCts.Token), CancellationToken.None)));

            await Task.Delay(Timeout.InfiniteTimeSpan, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (_fence.Token.IsCancellationRequested)
            {
                _logger.LogWarning("Leadership lost: in-flight reconciles of {Controller} cancelled, no more writes", Name);
            }

            _logger.LogInformation("Stopping controller {Controller}", Name);
            var drained = await Queue.ShutDownWithDrainAsync(_options.ShutdownTimeout, CancellationToken.None);
            if (!drained)
            {
                _logger.LogWarning("Reconciles of {Controller} did not finish within {Timeout}; cancelling them", Name, _options.ShutdownTimeout);
            }

            await reconcileCts.CancelAsync();
            await informerCts.CancelAsync();
            await Task.WhenAll(workers.Concat(informerTasks).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            _logger.LogInformation("Controller {Controller} stopped", Name);
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
                var delay = Backoff.Exponential(_options.QueueBaseDelay, _options.QueueMaxDelay, attempt, 0.1);
                _logger.LogError("Source {Source} of {Controller} failed, restarting in {Delay}: {ErrorType}: {Message}", source.GetType().Name, Name, delay, ex.GetType().Name, ex.Message);
                await Task.Delay(delay, _time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
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
        using var logScope = _logger.BeginScope(new Dictionary<string, object?>
        {
            ["controller"] = Name,
            ["namespace"] = key.Namespace,
            ["name"] = key.Name,
            ["object"] = key.ToString(),
        });
        using var activity = _telemetry.StartReconcile(Name, key.Namespace, key.Name);
        var started = _time.GetTimestamp();
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

        _telemetry.RecordReconcile(Name, result, _time.GetElapsedTime(started));
    }

    private void OnPrimaryEvent(InformerEvent<TEntity> ev)
    {
        var key = ObjectKey.Of(ev.Object);
        switch (ev.Type)
        {
            case InformerEventType.Deleted:
                _tombstones[key] = ev.Object;
                Queue.Add(key);
                break;
            case InformerEventType.Updated when ev.OldObject is not null && _updatePredicate is not null
                && ev.Object.Metadata.DeletionTimestamp is null
                && !_updatePredicate(ev.OldObject, ev.Object):
                break;
            default:
                Queue.Add(key);
                break;
        }
    }

    private static InformerOptions InformerOptionsFor(ControllerOptions options) =>
        options.Informer with { Namespaces = options.Namespaces.Count > 0 ? options.Namespaces : options.Informer.Namespaces };
}
