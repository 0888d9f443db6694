using k8s;
using k8s.Models;

namespace SandboxOperator.Runtime;

/// <summary>Ready-made <see cref="IListWatch{TEntity}"/>s for core types the operator watches as secondaries.</summary>
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

    /// <summary>core/v1 Secrets. Narrow with a label selector where possible: a Secret cache holds secret data.</summary>
    public static IListWatch<V1Secret> Secrets(IKubernetes kubernetes, ListWatchOptions? options = null)
    {
        var o = options ?? new ListWatchOptions();
        return new DelegateListWatch<V1Secret>(
            async (ns, cont, limit, ct) =>
            {
                var list = ns is null
                    ? await kubernetes.CoreV1.ListSecretForAllNamespacesAsync(
                        continueParameter: cont, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: limit, cancellationToken: ct)
                    : await kubernetes.CoreV1.ListNamespacedSecretAsync(
                        ns, continueParameter: cont, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: limit, cancellationToken: ct);
                return (list.Items, list.Metadata?.ResourceVersion ?? string.Empty, list.Metadata?.ContinueProperty);
            },
            (ns, rv, timeout, onError, ct) => ns is null
                ? kubernetes.CoreV1.WatchListSecretForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : kubernetes.CoreV1.WatchListNamespacedSecretAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            o);
    }

    /// <summary>core/v1 ConfigMaps.</summary>
    public static IListWatch<V1ConfigMap> ConfigMaps(IKubernetes kubernetes, ListWatchOptions? options = null)
    {
        var o = options ?? new ListWatchOptions();
        return new DelegateListWatch<V1ConfigMap>(
            async (ns, cont, limit, ct) =>
            {
                var list = ns is null
                    ? await kubernetes.CoreV1.ListConfigMapForAllNamespacesAsync(
                        continueParameter: cont, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: limit, cancellationToken: ct)
                    : await kubernetes.CoreV1.ListNamespacedConfigMapAsync(
                        ns, continueParameter: cont, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector, limit: limit, cancellationToken: ct);
                return (list.Items, list.Metadata?.ResourceVersion ?? string.Empty, list.Metadata?.ContinueProperty);
            },
            (ns, rv, timeout, onError, ct) => ns is null
                ? kubernetes.CoreV1.WatchListConfigMapForAllNamespacesAsync(
                    allowWatchBookmarks: true, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : kubernetes.CoreV1.WatchListNamespacedConfigMapAsync(
                    ns, allowWatchBookmarks: true, fieldSelector: o.FieldSelector, labelSelector: o.LabelSelector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct),
            o);
    }
}
