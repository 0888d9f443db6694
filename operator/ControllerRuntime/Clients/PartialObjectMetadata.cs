using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>
/// Only the metadata of a <typeparamref name="TEntity"/>: what the API server sends for it when asked for
/// <c>meta.k8s.io/v1 PartialObjectMetadata</c> (see <see cref="MetadataListWatch{TEntity}"/>). The type argument says
/// whose metadata it is, so a Secret's and a ConfigMap's metadata get separate informers and caches, and
/// <see cref="EntityMetadata.For(Type)"/> answers with <typeparamref name="TEntity"/>'s resource (the one it is read from).
/// KubernetesClient 21 has no model for it.
/// </summary>
public sealed class PartialObjectMetadata<TEntity> : IKubernetesObject<V1ObjectMeta>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public const string MetaApiVersion = "meta.k8s.io/v1";

    public const string MetaKind = "PartialObjectMetadata";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = MetaApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = MetaKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
