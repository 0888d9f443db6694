using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>Read access to an informer's cache. Objects are shared: never mutate them.</summary>
public interface IReadOnlyEntityStore<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    int Count { get; }

    bool TryGet(ObjectKey key, out TEntity entity);

    IReadOnlyList<TEntity> List();

    IReadOnlyList<TEntity> ListByNamespace(string @namespace);
}

/// <summary>In-memory cache of objects by namespace/name, with a per-namespace index.</summary>
public sealed class EntityStore<TEntity> : IReadOnlyEntityStore<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, TEntity> items = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ObjectKey, byte>> byNamespace = new(StringComparer.Ordinal);

    public int Count => items.Count;

    public bool TryGet(ObjectKey key, out TEntity entity) => items.TryGetValue(key, out entity!);

    public IReadOnlyList<TEntity> List() => [.. items.Values];

    public IReadOnlyList<TEntity> ListByNamespace(string @namespace)
    {
        if (!byNamespace.TryGetValue(@namespace, out var keys))
        {
            return [];
        }

        var result = new List<TEntity>(keys.Count);
        foreach (var key in keys.Keys)
        {
            if (items.TryGetValue(key, out var item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    /// <summary>Keys currently cached in one namespace (<c>null</c> = all keys).</summary>
    internal IReadOnlyList<ObjectKey> Keys(string? @namespace) =>
        @namespace is null
            ? [.. items.Keys]
            : byNamespace.TryGetValue(@namespace, out var keys) ? [.. keys.Keys] : [];

    /// <returns>The previous object, if any.</returns>
    internal TEntity? Upsert(TEntity entity)
    {
        var key = ObjectKey.Of(entity);
        TEntity? previous = default;
        items.AddOrUpdate(key, entity, (_, old) =>
        {
            previous = old;
            return entity;
        });
        byNamespace.GetOrAdd(key.Namespace ?? string.Empty, _ => new()).TryAdd(key, 0);
        return previous;
    }

    internal bool TryRemove(ObjectKey key, out TEntity removed)
    {
        if (byNamespace.TryGetValue(key.Namespace ?? string.Empty, out var keys))
        {
            keys.TryRemove(key, out _);
        }

        return items.TryRemove(key, out removed!);
    }
}
