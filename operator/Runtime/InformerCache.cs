namespace SandboxOperator.Runtime;

/// <summary>
/// Read access to the cache of a type a controller reconciles or watches, for code that would otherwise GET each object from
/// the API server on every reconcile (what controller-runtime's cache-backed client does). Empty until the
/// controller runs (after winning leader election) and its informer has synced: callers fall back to the API.
/// Objects are the informer's own: never modify them.
/// </summary>
public sealed class InformerCache<TEntity>
    where TEntity : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    private volatile Informer<TEntity>? _informer;

    public bool TryGet(string? @namespace, string name, out TEntity entity)
    {
        if (_informer is { HasSynced: true } informer && informer.Store.TryGet(new ObjectKey(@namespace, name), out entity))
        {
            return true;
        }

        entity = default!;
        return false;
    }

    /// <summary>True once the informer has listed every object.</summary>
    public bool HasSynced => _informer is { HasSynced: true };

    /// <summary>Every cached object; empty until the informer has synced.</summary>
    public IReadOnlyList<TEntity> List() => _informer is { HasSynced: true } informer ? informer.Store.List() : [];

    internal void Attach(Informer<TEntity> informer) => _informer = informer;
}
