using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ControllerRuntime;

public sealed partial class Controller<TEntity>
{
    /// <summary>Caches of other types this controller's keys come from, each synced before the workers start.</summary>
    private readonly List<Func<CancellationToken, Task>> sharedCaches = [];

    /// <summary>
    /// Reconciles the owner of each <typeparamref name="TOwned"/> that changes (controller-runtime's <c>Owns</c>): the
    /// <typeparamref name="TEntity"/> its controller ownerReference names (same group and kind, any version), before and
    /// after the change, so an object that changes owner wakes both. Reads the changes of <paramref name="cache"/>,
    /// the one informer of <typeparamref name="TOwned"/> (its own controller's, or another's <c>Watches</c>): it opens
    /// no watch of its own. The owner is looked for in the owned object's namespace (none when it has none).
    /// </summary>
    /// <param name="predicate">Which updates wake the owner; default all. Adds and deletes always do.</param>
    public void Owns<TOwned>(InformerCache<TOwned> cache, UpdatePredicate<TOwned>? predicate = null)
        where TOwned : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cache);
        var owner = EntityMetadata.For<TEntity>();
        sharedCaches.Add(async ct =>
        {
            try
            {
                await cache.WaitForSyncAsync(ct);
            }
            catch (InvalidOperationException e)
            {
                logger.LogCritical("Controller {Controller} cannot start: {Message}", Name, e.Message);
                throw;
            }
        });
        cache.OnChange(ev =>
        {
            if (ev is { Type: InformerEventType.Updated, OldObject: { } old } && predicate is not null && !predicate(old, ev.Object))
            {
                return;
            }

            var keys = new HashSet<ObjectKey>(OwnerOf(ev.Object, owner));
            if (ev.OldObject is not null)
            {
                keys.UnionWith(OwnerOf(ev.OldObject, owner));
            }

            foreach (var key in keys)
            {
                Queue.Add(key);
            }
        });
    }

    /// <summary>The controller owner of <paramref name="owned"/>, if it is of <paramref name="owner"/>'s group and kind.</summary>
    internal static IEnumerable<ObjectKey> OwnerOf(IKubernetesObject<V1ObjectMeta> owned, EntityMetadata owner) =>
        (owned.Metadata.OwnerReferences ?? [])
            .Where(o => o.Controller == true && o.Kind == owner.Kind && GroupOf(o.ApiVersion) == owner.Group)
            .Select(o => new ObjectKey(owned.Metadata.NamespaceProperty, o.Name));

    private static string GroupOf(string? apiVersion) =>
        apiVersion is { } v && v.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? v[..slash] : string.Empty;

    private Task WaitForSharedCachesAsync(CancellationToken ct) => Task.WhenAll(sharedCaches.Select(wait => wait(ct)));
}
