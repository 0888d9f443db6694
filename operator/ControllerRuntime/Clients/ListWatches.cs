using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>Ready-made <see cref="IListWatch{TEntity}"/>s.</summary>
public static class ListWatches
{
    /// <summary>Custom resources, through the CustomObjects API.</summary>
    public static IListWatch<TEntity> For<TEntity>(IKubernetes kubernetes, ListWatchOptions? options = null)
        where TEntity : IKubernetesObject<V1ObjectMeta> =>
        new EntityClient<TEntity>(kubernetes, options);

    /// <summary>
    /// The metadata of any type, core (Secrets, ConfigMaps) or custom: enough to know what exists and when it changes,
    /// without holding the objects' data. Read whole objects on demand with a <see cref="ReadThroughCache{TEntity}"/>.
    /// </summary>
    public static IListWatch<PartialObjectMetadata<TEntity>> Metadata<TEntity>(IKubernetes kubernetes, ListWatchOptions? options = null)
        where TEntity : IKubernetesObject<V1ObjectMeta> =>
        MetadataListWatch<TEntity>.For(kubernetes, options);
}
