using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>Decides whether an update event of the primary type enqueues its key.</summary>
public delegate bool UpdatePredicate<in TEntity>(TEntity oldObject, TEntity newObject);

/// <summary>Ready-made update predicates. The default enqueues every update whose resourceVersion changed.</summary>
public static class Predicates
{
    /// <summary>Only spec changes (metadata.generation), plus deletion starting and finalizer/label/annotation changes.</summary>
    public static bool GenerationOrMetadataChanged<TEntity>(TEntity oldObject, TEntity newObject)
        where TEntity : IKubernetesObject<V1ObjectMeta> =>
        GenerationOrMetadataBesidesLabelsChanged(oldObject, newObject) || !DictionaryEqual(oldObject.Metadata.Labels, newObject.Metadata.Labels);

    /// <summary>
    /// As <see cref="GenerationOrMetadataChanged{TEntity}"/>, but blind to labels: for a controller that reads none,
    /// whose objects others label (a claim taking a pooled Sandbox), so that a relabelling costs it no reconcile.
    /// </summary>
    public static bool GenerationOrMetadataBesidesLabelsChanged<TEntity>(TEntity oldObject, TEntity newObject)
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        var o = oldObject.Metadata;
        var n = newObject.Metadata;
        return o.Generation != n.Generation
            || o.DeletionTimestamp != n.DeletionTimestamp
            || !SequenceEqual(o.Finalizers, n.Finalizers)
            || !DictionaryEqual(o.Annotations, n.Annotations);
    }

    private static bool SequenceEqual(IList<string>? a, IList<string>? b) =>
        (a ?? []).SequenceEqual(b ?? [], StringComparer.Ordinal);

    private static bool DictionaryEqual(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
