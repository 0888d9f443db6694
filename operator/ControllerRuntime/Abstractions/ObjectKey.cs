using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>
/// Identifies an object as "namespace/name" (or just "name" when cluster-scoped); the unit of work of a controller.
/// </summary>
public readonly record struct ObjectKey
{
    public ObjectKey(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        Name = name;
    }

    public string? Namespace { get; }

    public string Name { get; }

    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj.Metadata ?? throw new ArgumentException("Object has no metadata.", nameof(obj));
        return new ObjectKey(metadata.NamespaceProperty, metadata.Name);
    }

    public static ObjectKey Parse(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new ObjectKey(null, key) : new ObjectKey(key[..slash], key[(slash + 1)..]);
    }

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
