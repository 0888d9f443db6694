using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>
/// How a delete conditional on a uid (<see cref="IEntityClient{TEntity}.DeleteAsync"/>) ended. Only
/// <see cref="NotOurs"/> leaves something under the name: the caller decides whether that is an error.
/// </summary>
public enum DeleteResult
{
    /// <summary>The API server accepted the delete of that very object (it may linger while finalizers run).</summary>
    Deleted,

    /// <summary>404: no object of that name any more. What the delete wanted: a success.</summary>
    AlreadyGone,

    /// <summary>
    /// 409 (the uid precondition failed): an object of that name exists but is a different one, created after the one
    /// meant was gone. Not ours to delete; it was left alone.
    /// </summary>
    NotOurs,
}

public static class Deletes
{
    /// <summary>Deletes <paramref name="entity"/>, conditional on its uid (see <see cref="IEntityClient{TEntity}.DeleteAsync"/>).</summary>
    public static Task<DeleteResult> DeleteAsync<TEntity>(this IEntityClient<TEntity> client, TEntity entity, CancellationToken ct)
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(entity);
        return client.DeleteAsync(entity.Metadata.Name, entity.Metadata.NamespaceProperty, entity.Metadata.Uid, ct);
    }
}
