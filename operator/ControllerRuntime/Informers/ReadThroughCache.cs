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

    private readonly InformerCache<PartialObjectMetadata<TEntity>> metadata;
    private readonly Reader read;
    private readonly Func<TEntity, long> sizeOf;
    private readonly ReadThroughCacheOptions options;
    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> recency = new();
    private long bytes;
    private long reads;

    /// <param name="sizeOf">Estimated bytes one object holds (its data, say), for the bound.</param>
    public ReadThroughCache(InformerCache<PartialObjectMetadata<TEntity>> metadata, Reader read, Func<TEntity, long> sizeOf, ReadThroughCacheOptions? options = null)
    {
        this.metadata = metadata;
        this.read = read;
        this.sizeOf = sizeOf;
        this.options = options ?? new ReadThroughCacheOptions();
        metadata.OnChange(OnMetadataChange);
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Estimated bytes kept.</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>Reads made from the API server so far.</summary>
    public long Reads => Interlocked.Read(ref reads);

    public async Task<TEntity?> GetAsync(string? @namespace, string name, CancellationToken ct)
    {
        var key = new ObjectKey(@namespace, name);
        if (!metadata.TryGet(@namespace, name, out var known))
        {
            Forget(key);
            return await ReadAsync(@namespace, name, ct);
        }

        lock (gate)
        {
            if (entries.TryGetValue(key, out var node) && node.Value.ResourceVersion == known.Metadata.ResourceVersion)
            {
                recency.Remove(node);
                recency.AddFirst(node);
                return node.Value.Object;
            }
        }

        var fresh = await ReadAsync(@namespace, name, ct);
        // Kept only while the watch still knows the object: a delete seen during the read must not be undone here.
        if (fresh is not null && metadata.TryGet(@namespace, name, out _))
        {
            Keep(key, fresh);
        }

        return fresh;
    }

    /// <summary>Drops the copy of one object (e.g. nothing refers to it any more).</summary>
    public void Forget(ObjectKey key)
    {
        lock (gate)
        {
            if (entries.Remove(key, out var node))
            {
                recency.Remove(node);
                bytes -= node.Value.Bytes;
            }
        }
    }

    private async Task<TEntity?> ReadAsync(string? @namespace, string name, CancellationToken ct)
    {
        Interlocked.Increment(ref reads);
        return await read(@namespace, name, ct);
    }

    private void Keep(ObjectKey key, TEntity entity)
    {
        var bytes = sizeOf(entity);
        if (bytes > options.MaxBytes)
        {
            return;
        }

        lock (gate)
        {
            if (entries.Remove(key, out var old))
            {
                recency.Remove(old);
                this.bytes -= old.Value.Bytes;
            }

            while (this.bytes + bytes > options.MaxBytes && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                entries.Remove(oldest.Value.Key);
                this.bytes -= oldest.Value.Bytes;
            }

            entries[key] = recency.AddFirst(new Entry(key, entity.Metadata.ResourceVersion, entity, bytes));
            this.bytes += bytes;
        }
    }

    private void OnMetadataChange(InformerEvent<PartialObjectMetadata<TEntity>> ev)
    {
        var key = ObjectKey.Of(ev.Object);
        bool stale;
        lock (gate)
        {
            stale = entries.TryGetValue(key, out var node)
                && (ev.Type == InformerEventType.Deleted || node.Value.ResourceVersion != ev.Object.Metadata.ResourceVersion);
        }

        if (stale)
        {
            Forget(key);
        }
    }

    private sealed record Entry(ObjectKey Key, string? ResourceVersion, TEntity Object, long Bytes);
}
