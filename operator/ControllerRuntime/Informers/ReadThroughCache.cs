using k8s;
using k8s.Models;

namespace ControllerRuntime;

public sealed record ReadThroughCacheOptions
{
    /// <summary>Bound on the estimated size of the objects kept; the least recently read go first.</summary>
    public long MaxBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>
/// Whole objects of a type whose informer holds metadata only (<see cref="MetadataListWatch{TEntity}"/>): one is read
/// from the API server when asked for, and kept while the metadata watch shows the resourceVersion it was read at, so
/// an unchanged object costs no request however often it is read, and one never asked for costs nothing. A change or
/// delete seen on the watch drops the copy at once; an object the watch does not know (not synced yet, a namespace
/// it does not watch, created a moment ago) is read each time and not kept, since nothing would tell when it changes.
/// The copies are bounded by <see cref="ReadThroughCacheOptions.MaxBytes"/>. Objects are shared: never modify them.
/// </summary>
public sealed class ReadThroughCache<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Reads one object from the API server; <c>null</c> when it does not exist.</summary>
    public delegate Task<TEntity?> Reader(string? @namespace, string name, CancellationToken ct);

    private readonly InformerCache<PartialObjectMetadata<TEntity>> _metadata;
    private readonly Reader _read;
    private readonly Func<TEntity, long> _sizeOf;
    private readonly ReadThroughCacheOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;
    private long _reads;

    /// <param name="sizeOf">Estimated bytes one object holds (its data, say), for the bound.</param>
    public ReadThroughCache(InformerCache<PartialObjectMetadata<TEntity>> metadata, Reader read, Func<TEntity, long> sizeOf, ReadThroughCacheOptions? options = null)
    {
        _metadata = metadata;
        _read = read;
        _sizeOf = sizeOf;
        _options = options ?? new ReadThroughCacheOptions();
        metadata.OnChange(OnMetadataChange);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Estimated bytes kept.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Reads made from the API server so far.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    public async Task<TEntity?> GetAsync(string? @namespace, string name, CancellationToken ct)
    {
        var key = new ObjectKey(@namespace, name);
        if (!_metadata.TryGet(@namespace, name, out var known))
        {
            Forget(key);
            return await ReadAsync(@namespace, name, ct);
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node) && node.Value.ResourceVersion == known.Metadata.ResourceVersion)
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Object;
            }
        }

        var fresh = await ReadAsync(@namespace, name, ct);
        // Kept only while the watch still knows the object: a delete seen during the read must not be undone here.
        if (fresh is not null && _metadata.TryGet(@namespace, name, out _))
        {
            Keep(key, fresh);
        }

        return fresh;
    }

    /// <summary>Drops the copy of one object (e.g. nothing refers to it any more).</summary>
    public void Forget(ObjectKey key)
    {
        lock (_lock)
        {
            if (_entries.Remove(key, out var node))
            {
                _recency.Remove(node);
                _bytes -= node.Value.Bytes;
            }
        }
    }

    private async Task<TEntity?> ReadAsync(string? @namespace, string name, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        return await _read(@namespace, name, ct);
    }

    private void Keep(ObjectKey key, TEntity entity)
    {
        var bytes = _sizeOf(entity);
        if (bytes > _options.MaxBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Remove(key, out var old))
            {
                _recency.Remove(old);
                _bytes -= old.Value.Bytes;
            }

            while (_bytes + bytes > _options.MaxBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Bytes;
            }

            _entries[key] = _recency.AddFirst(new Entry(key, entity.Metadata.ResourceVersion, entity, bytes));
            _bytes += bytes;
        }
    }

    private void OnMetadataChange(InformerEvent<PartialObjectMetadata<TEntity>> ev)
    {
        var key = ObjectKey.Of(ev.Object);
        bool stale;
        lock (_lock)
        {
            stale = _entries.TryGetValue(key, out var node)
                && (ev.Type == InformerEventType.Deleted || node.Value.ResourceVersion != ev.Object.Metadata.ResourceVersion);
        }

        if (stale)
        {
            Forget(key);
        }
    }

    private sealed record Entry(ObjectKey Key, string? ResourceVersion, TEntity Object, long Bytes);
}
