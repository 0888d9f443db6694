using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>
/// Reconciles one kind of entity towards its spec. The runtime calls <see cref="ReconcileAsync"/> with the newest
/// cached copy of a live object (its finalizer already in place), never for the same key on two workers at once.
/// </summary>
public interface IEntityController<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    Task<ReconcileResult> ReconcileAsync(TEntity entity, CancellationToken ct);

    /// <summary>
    /// The object is gone from the API server (after its finalizer was removed, or it never had one). For dropping
    /// in-memory state only: anything external must be cleaned up in the finalizer.
    /// </summary>
    Task DeletedAsync(TEntity entity, CancellationToken ct);
}

/// <summary>
/// Cleans up what an entity owns outside the cluster. The runtime adds <see cref="Identifier"/> to an object's
/// finalizers before its first reconcile, calls <see cref="FinalizeAsync"/> once the object is being deleted, and
/// removes the finalizer only when the result is <see cref="ReconcileResult.Success"/> without a requeue.
/// </summary>
public interface IEntityFinalizer<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    string Identifier { get; }

    Task<ReconcileResult> FinalizeAsync(TEntity entity, CancellationToken ct);
}
