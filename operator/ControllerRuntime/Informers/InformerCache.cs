namespace ControllerRuntime;

/// <summary>
/// Read access to the cache of a type a controller reconciles or watches, for code that would otherwise GET each object from
/// the API server on every reconcile (what controller-runtime's cache-backed client does). Empty until the
/// controller runs (after winning leader election) and its informer has synced: callers fall back to the API.
/// Objects are the informer's own: never modify them.
/// </summary>
public sealed class InformerCache<TEntity>
    where TEntity : k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    private readonly Lock gate = new();
    private readonly List<Action<InformerEvent<TEntity>>> handlers = [];
    private volatile Informer<TEntity>? informer;

    /// <summary>The whole cache once synced, else <c>null</c>.</summary>
    public IReadOnlyEntityStore<TEntity>? Store => informer is { HasSynced: true } synced ? synced.Store : null;

    /// <summary>True once the informer has listed every object.</summary>
    public bool HasSynced => informer is { HasSynced: true };

    /// <summary>Every cached object; empty until the informer has synced.</summary>
    public IReadOnlyList<TEntity> List() => Store?.List() ?? [];

    public bool TryGet(string? @namespace, string name, out TEntity entity)
    {
        if (informer is { HasSynced: true } synced && synced.Store.TryGet(new ObjectKey(@namespace, name), out entity))
        {
            return true;
        }

        entity = default!;
        return false;
    }

    /// <summary>
    /// Completes once the cache has synced. A controller that reads this cache's changes (<c>Owns</c>) waits for it
    /// before its workers start. Throws when nothing watches the type: a reader of it would wait forever.
    /// </summary>
    public Task WaitForSyncAsync(CancellationToken ct) => informer?.WaitForSyncAsync(ct)
        ?? throw new InvalidOperationException(
            $"Nothing watches {typeof(TEntity).Name}: give it a controller or a Watches, whose one informer this cache shares");

    /// <summary>
    /// Calls <paramref name="handler"/> with every change of the cache from now on, whether the controller runs yet or
    /// not (e.g. to drop what was derived from an object that changed). It runs on the informer's loop: be quick.
    /// </summary>
    public void OnChange(Action<InformerEvent<TEntity>> handler)
    {
        lock (gate)
        {
            handlers.Add(handler);
        }
    }

    /// <summary>
    /// Serves the cache of <paramref name="informer"/>. The runtime attaches every controller's informers; attach one
    /// you run yourself (a tool, a test) to read it the same way. One informer per kind: a second would leave readers
    /// on one watch while handlers fire from both, so a reader woken by one could read the other's older state. A
    /// controller that needs a kind another controller watches maps that controller's cache changes instead.
    /// </summary>
    public void Attach(Informer<TEntity> informer)
    {
        lock (gate)
        {
            if (ReferenceEquals(this.informer, informer))
            {
                return;
            }

            if (this.informer is not null)
            {
                throw new InvalidOperationException(
                    $"{typeof(TEntity).Name} is watched by more than one informer; watch it once and map the shared cache's changes");
            }

            this.informer = informer;
        }

        informer.AddEventHandler(Dispatch);
    }

    private void Dispatch(InformerEvent<TEntity> ev)
    {
        Action<InformerEvent<TEntity>>[] handlers;
        lock (gate)
        {
            handlers = [.. this.handlers];
        }

        // The informer catches and logs a handler's exception; one failing handler must not starve the rest.
        List<Exception>? errors = null;
        foreach (var handler in handlers)
        {
            try
            {
                handler(ev);
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException(errors);
        }
    }
}
