using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControllerRuntime;

public enum InformerEventType
{
    Added,
    Updated,
    Deleted,
}

/// <summary>A cache change. <see cref="OldObject"/> is set for updates.</summary>
public readonly record struct InformerEvent<TEntity>(InformerEventType Type, TEntity Object, TEntity? OldObject);

public sealed record InformerOptions
{
    /// <summary>Namespaces to watch, one list/watch each; empty = all namespaces (or a cluster-scoped type).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>First delay after a failed list or watch; doubles per consecutive failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Common view of informers of any type, for health and start-up.</summary>
public interface IInformer
{
    string Name { get; }

    bool HasSynced { get; }

    /// <summary>When a watch last delivered an event or a list completed.</summary>
    DateTimeOffset? LastSuccessfulWatch { get; }

    Task WaitForSyncAsync(CancellationToken ct);

    Task RunAsync(CancellationToken ct);
}

/// <summary>
/// Keeps an <see cref="EntityStore{TEntity}"/> in step with the API server: list, then watch from the list's
/// resourceVersion; re-watch from the last seen resourceVersion when a watch ends or fails; re-list on
/// 410 Gone and diff the fresh list against the cache, emitting deletes for objects that vanished meanwhile.
/// Failing attempts back off exponentially. Handlers run on the reflector's loop and must be quick (enqueue only).
/// </summary>
public sealed class Informer<TEntity> : IInformer
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatch<TEntity> listWatch;
    private readonly InformerOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly List<Action<InformerEvent<TEntity>>> handlers = [];
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock handlerLock = new();
    private int pendingNamespaces;
    private long lastSuccessTicks;

    public Informer(IListWatch<TEntity> listWatch, InformerOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        this.listWatch = listWatch;
        this.options = options ?? new InformerOptions();
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        Name = EntityMetadata.For<TEntity>().Kind;
        pendingNamespaces = Math.Max(1, this.options.Namespaces.Count);
    }

    public string Name { get; }

    public EntityStore<TEntity> Store { get; } = new();

    public bool HasSynced => synced.Task.IsCompleted;

    public DateTimeOffset? LastSuccessfulWatch
    {
        get
        {
            var ticks = Interlocked.Read(ref lastSuccessTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public void AddEventHandler(Action<InformerEvent<TEntity>> handler)
    {
        lock (handlerLock)
        {
            handlers.Add(handler);
        }
    }

    public Task WaitForSyncAsync(CancellationToken ct) => synced.Task.WaitAsync(ct);

    public async Task RunAsync(CancellationToken ct)
    {
        var namespaces = options.Namespaces.Count == 0 ? [null] : options.Namespaces.Distinct(StringComparer.Ordinal).Select(n => (string?)n).ToList();
        pendingNamespaces = namespaces.Count;
        await Task.WhenAll(namespaces.Select(ns => Task.Run(() => ReflectAsync(ns, ct), CancellationToken.None)));
    }

    /// <summary>List-then-watch loop for one namespace (or all), until cancelled.</summary>
    internal async Task ReflectAsync(string? @namespace, CancellationToken ct)
    {
        string? resourceVersion = null;
        var failures = 0;
        var scope = @namespace ?? "*";
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListIntoCacheAsync(@namespace, ct);
                    failures = 0;
                }

                var watchStarted = time.GetTimestamp();
                var events = 0;
                await foreach (var ev in listWatch.WatchAsync(@namespace, resourceVersion, ct))
                {
                    events++;
                    resourceVersion = ApplyWatchEvent(ev) ?? resourceVersion;
                    failures = 0;
                    MarkSuccess();
                }

                // The server closed the watch (timeout); resume from the last resourceVersion seen.
                logger.LogDebug("Watch of {Kind} in {Namespace} ended at {ResourceVersion}; re-watching", Name, scope, resourceVersion);
                if (events == 0 && time.GetElapsedTime(watchStarted) < TimeSpan.FromSeconds(1))
                {
                    // A watch that closes at once with nothing in it is a failure in disguise: do not spin.
                    failures++;
                    await BackoffAsync(failures, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (KubernetesErrors.IsGone(ex))
            {
                logger.LogInformation("Resource version of {Kind} in {Namespace} expired; re-listing", Name, scope);
                var relistAfterGone = resourceVersion is null;
                resourceVersion = null;
                if (relistAfterGone)
                {
                    // The list itself failed with 410: do not spin.
                    failures++;
                    await BackoffAsync(failures, ct);
                }
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning("List/watch of {Kind} in {Namespace} failed ({Failures} in a row): {ErrorType}: {Message}", Name, scope, failures, ex.GetType().Name, ex.Message);
                await BackoffAsync(failures, ct);
            }
        }
    }

    /// <summary>Lists one namespace (or all) into the cache.</summary>
    /// <returns>The list's resourceVersion, to watch from.</returns>
    private async Task<string> ListIntoCacheAsync(string? @namespace, CancellationToken ct)
    {
        var list = await listWatch.ListAsync(@namespace, ct);
        Replace(@namespace, list.Items);
        MarkSuccess();
        MarkNamespaceSynced();
        logger.LogDebug("Listed {Count} {Kind} in {Namespace} at resourceVersion {ResourceVersion}", list.Items.Count, Name, @namespace ?? "*", list.ResourceVersion);
        return list.ResourceVersion;
    }

    /// <summary>Applies one watch event to the cache.</summary>
    /// <returns>The resourceVersion the event carries (bookmarks too), or <c>null</c> when it has none.</returns>
    private string? ApplyWatchEvent(EntityWatchEvent<TEntity> ev)
    {
        var rv = ev.Object?.Metadata?.ResourceVersion;
        switch (ev.Type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                Apply(ev.Object!);
                break;
            case WatchEventType.Deleted:
                Delete(ev.Object!);
                break;
            case WatchEventType.Bookmark:
            default:
                break;
        }

        return string.IsNullOrEmpty(rv) ? null : rv;
    }

    private async Task BackoffAsync(int failures, CancellationToken ct)
    {
        var delay = Backoff.Exponential(options.InitialBackoff, options.MaxBackoff, failures - 1, 0.2);
        try
        {
            await Task.Delay(delay, time, ct);
        }
        catch (OperationCanceledException)
        {
            // Loop condition ends the reflector.
        }
    }

    private void MarkSuccess() => Interlocked.Exchange(ref lastSuccessTicks, time.GetUtcNow().UtcTicks);

    private void MarkNamespaceSynced()
    {
        if (!synced.Task.IsCompleted && Interlocked.Decrement(ref pendingNamespaces) <= 0)
        {
            synced.TrySetResult();
        }
    }

    /// <summary>Replaces one namespace's slice of the cache with a fresh list, emitting the differences.</summary>
    internal void Replace(string? @namespace, IReadOnlyList<TEntity> items)
    {
        var fresh = new HashSet<ObjectKey>();
        foreach (var item in items)
        {
            fresh.Add(ObjectKey.Of(item));
            Apply(item);
        }

        foreach (var key in Store.Keys(@namespace))
        {
            if (!fresh.Contains(key) && Store.TryRemove(key, out var gone))
            {
                Dispatch(new InformerEvent<TEntity>(InformerEventType.Deleted, gone, default));
            }
        }
    }

    private void Apply(TEntity item)
    {
        StripManagedFields(item);
        var previous = Store.Upsert(item);
        if (previous is null)
        {
            Dispatch(new InformerEvent<TEntity>(InformerEventType.Added, item, default));
        }
        else if (previous.Metadata?.ResourceVersion != item.Metadata?.ResourceVersion)
        {
            Dispatch(new InformerEvent<TEntity>(InformerEventType.Updated, item, previous));
        }
    }

    /// <summary>
    /// The server's field-ownership bookkeeping is no reconcile's input, and it is often the biggest part of an object
    /// (an entry per manager, each listing every field it set): dropped before caching, as controller-runtime's
    /// <c>TransformStripManagedFields</c> does, it is memory a cache of 10 000 objects does not hold. A write of a
    /// cached object that leaves <c>managedFields</c> out keeps what the server has.
    /// </summary>
    private static void StripManagedFields(TEntity item)
    {
        if (item.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
        }
    }

    private void Delete(TEntity item)
    {
        var key = ObjectKey.Of(item);
        // Prefer the watch's final state (it may carry a deletionTimestamp); fall back to what was cached.
        Store.TryRemove(key, out _);
        Dispatch(new InformerEvent<TEntity>(InformerEventType.Deleted, item, default));
    }

    private void Dispatch(InformerEvent<TEntity> ev)
    {
        Action<InformerEvent<TEntity>>[] handlers;
        lock (handlerLock)
        {
            handlers = [.. this.handlers];
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(ev);
            }
            catch (Exception ex)
            {
                logger.LogError("Event handler for {Kind} failed: {ErrorType}: {Message}", Name, ex.GetType().Name, ex.Message);
            }
        }
    }
}
