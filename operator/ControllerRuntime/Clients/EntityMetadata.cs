using System.Collections.Concurrent;
using System.Reflection;
using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>
/// Group, version, kind and plural of a Kubernetes type, read from KubernetesClient's
/// <see cref="KubernetesEntityAttribute"/>. Core types have an empty <see cref="Group"/>.
/// </summary>
public sealed record EntityMetadata(string Group, string Version, string Kind, string Plural)
{
    private static readonly ConcurrentDictionary<Type, EntityMetadata> Cache = new();

    /// <summary>"group/version" for named groups, "version" for the core group, as in an object's apiVersion.</summary>
    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : $"{Group}/{Version}";

    public bool IsCoreGroup => string.IsNullOrEmpty(Group);

    public static EntityMetadata For<TEntity>() => For(typeof(TEntity));

    public static EntityMetadata For(Type type) => Cache.GetOrAdd(type, static t =>
    {
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(PartialObjectMetadata<>))
        {
            // Metadata is listed and watched from its object's own resource, and its informer is named after it.
            return For(t.GetGenericArguments()[0]);
        }

        var attribute = t.GetCustomAttribute<KubernetesEntityAttribute>(inherit: true)
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesEntity] attribute.");
        if (string.IsNullOrEmpty(attribute.ApiVersion) || string.IsNullOrEmpty(attribute.Kind))
        {
            throw new InvalidOperationException($"[KubernetesEntity] on {t.Name} needs ApiVersion and Kind.");
        }

        var plural = string.IsNullOrEmpty(attribute.PluralName)
            ? attribute.Kind.ToLowerInvariant() + "s"
            : attribute.PluralName;
        return new EntityMetadata(attribute.Group ?? string.Empty, attribute.ApiVersion, attribute.Kind, plural);
    });

    /// <summary>Sets apiVersion and kind on an object that came without them (lists drop them from items).</summary>
    internal void Stamp(IKubernetesObject obj)
    {
        if (string.IsNullOrEmpty(obj.ApiVersion))
        {
            obj.ApiVersion = ApiVersion;
        }

        if (string.IsNullOrEmpty(obj.Kind))
        {
            obj.Kind = Kind;
        }
    }
}
