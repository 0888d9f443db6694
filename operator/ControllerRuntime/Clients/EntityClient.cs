using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>The list shape of a custom resource collection.</summary>
public sealed class EntityList<TEntity> : IKubernetesObject<V1ListMeta>, IItems<TEntity>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<TEntity> Items { get; set; } = [];
}

/// <summary>The typed calls the runtime (and reconcilers) make for one custom resource type.</summary>
public interface IEntityClient<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    EntityMetadata Metadata { get; }

    /// <returns>The object, or <c>null</c> when it does not exist.</returns>
    Task<TEntity?> GetAsync(string name, string? @namespace, CancellationToken ct);

    /// <summary>Patches the main resource (metadata such as finalizers). JSON patch or merge patch.</summary>
    Task<TEntity> PatchAsync(string name, string? @namespace, V1Patch patch, CancellationToken ct);

    /// <summary>Patches the status subresource.</summary>
    Task<TEntity> PatchStatusAsync(string name, string? @namespace, V1Patch patch, CancellationToken ct);

    /// <summary>Replaces the status subresource; fails with 409 when the object's resourceVersion is stale.</summary>
    Task<TEntity> ReplaceStatusAsync(TEntity entity, CancellationToken ct);

    /// <summary>
    /// Deletes the object of that name only if it is still the one with <paramref name="uid"/> (a uid precondition), so
    /// a delete decided on an old object never removes a newer one that took its name. 404 is
    /// <see cref="DeleteResult.AlreadyGone"/> (a success), 409 is <see cref="DeleteResult.NotOurs"/>; any other error
    /// throws. A delete without a uid is refused before anything is sent.
    /// </summary>
    Task<DeleteResult> DeleteAsync(string name, string? @namespace, string uid, CancellationToken ct);
}

/// <summary>
/// Client for a custom resource over KubernetesClient's CustomObjects API; group/version/plural come from the
/// type's <see cref="KubernetesEntityAttribute"/>. A <c>null</c> namespace means cluster-scoped (or, for list and
/// watch, all namespaces). It is also the resource's <see cref="IListWatch{TEntity}"/>.
/// Core types (empty group) are not served by CustomObjects; use <see cref="ListWatches"/> for their list/watch.
/// Every write (patch, status patch, status replace, delete) first checks the <see cref="ILeadershipFence"/>, so a deposed
/// leader's write is refused before it is sent.
/// </summary>
public sealed class EntityClient<TEntity> : IEntityClient<TEntity>, IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubernetes kubernetes;
    private readonly DelegateListWatch<TEntity> listWatch;
    private readonly ILeadershipFence fence;

    public EntityClient(IKubernetes kubernetes, ListWatchOptions? options = null, ILeadershipFence? fence = null)
    {
        this.kubernetes = kubernetes;
        this.fence = fence ?? AlwaysHeldFence.Instance;
        Metadata = EntityMetadata.For<TEntity>();
        if (Metadata.IsCoreGroup)
        {
            throw new NotSupportedException(
                $"{Metadata.Kind} is a core type; EntityClient serves custom resources. Use ListWatches for list/watch.");
        }

        var opts = options ?? new ListWatchOptions();
        listWatch = new DelegateListWatch<TEntity>(ListPageAsync, OpenWatch, opts);
        Options = opts;
    }

    /// <summary>A client for a cluster reachable through a kubeconfig file (tests, local runs).</summary>
    public static EntityClient<TEntity> FromKubeconfig(string? kubeconfigPath = null, string? context = null) =>
        new(new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context)));

    public EntityMetadata Metadata { get; }

    public ListWatchOptions Options { get; }

    public Task<EntityListResult<TEntity>> ListAsync(string? @namespace, CancellationToken ct) =>
        listWatch.ListAsync(@namespace, ct);

    public IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken ct) =>
        listWatch.WatchAsync(@namespace, resourceVersion, ct);

    public async Task<TEntity?> GetAsync(string name, string? @namespace, CancellationToken ct)
    {
        var m = Metadata;
        try
        {
            using var response = @namespace is null
                ? await kubernetes.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<TEntity>(m.Group, m.Version, m.Plural, name, cancellationToken: ct)
                : await kubernetes.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(m.Group, m.Version, @namespace, m.Plural, name, cancellationToken: ct);
            return response.Body;
        }
        catch (Exception ex) when (KubernetesErrors.IsNotFound(ex))
        {
            return default;
        }
    }

    public async Task<TEntity> PatchAsync(string name, string? @namespace, V1Patch patch, CancellationToken ct)
    {
        fence.ThrowIfLost();
        var m = Metadata;
        using var response = @namespace is null
            ? await kubernetes.CustomObjects.PatchClusterCustomObjectWithHttpMessagesAsync<TEntity>(patch, m.Group, m.Version, m.Plural, name, cancellationToken: ct)
            : await kubernetes.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<TEntity>(patch, m.Group, m.Version, @namespace, m.Plural, name, cancellationToken: ct);
        return response.Body;
    }

    public async Task<TEntity> PatchStatusAsync(string name, string? @namespace, V1Patch patch, CancellationToken ct)
    {
        fence.ThrowIfLost();
        var m = Metadata;
        using var response = @namespace is null
            ? await kubernetes.CustomObjects.PatchClusterCustomObjectStatusWithHttpMessagesAsync<TEntity>(patch, m.Group, m.Version, m.Plural, name, cancellationToken: ct)
            : await kubernetes.CustomObjects.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<TEntity>(patch, m.Group, m.Version, @namespace, m.Plural, name, cancellationToken: ct);
        return response.Body;
    }

    public async Task<TEntity> ReplaceStatusAsync(TEntity entity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        fence.ThrowIfLost();
        var m = Metadata;
        var key = ObjectKey.Of(entity);
        using var response = key.Namespace is null
            ? await kubernetes.CustomObjects.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<TEntity>(entity, m.Group, m.Version, m.Plural, key.Name, cancellationToken: ct)
            : await kubernetes.CustomObjects.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<TEntity>(entity, m.Group, m.Version, key.Namespace, m.Plural, key.Name, cancellationToken: ct);
        return response.Body;
    }

    public async Task<DeleteResult> DeleteAsync(string name, string? @namespace, string uid, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(uid);
        fence.ThrowIfLost();
        var m = Metadata;
        var options = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid } };
        try
        {
            using var response = @namespace is null
                ? await kubernetes.CustomObjects.DeleteClusterCustomObjectWithHttpMessagesAsync(m.Group, m.Version, m.Plural, name, options, cancellationToken: ct)
                : await kubernetes.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync(m.Group, m.Version, @namespace, m.Plural, name, options, cancellationToken: ct);
            return DeleteResult.Deleted;
        }
        catch (Exception ex) when (KubernetesErrors.IsNotFound(ex))
        {
            return DeleteResult.AlreadyGone;
        }
        catch (Exception ex) when (KubernetesErrors.IsConflict(ex))
        {
            // The API server answers a failed uid precondition with 409 Conflict: the name is another object's now.
            return DeleteResult.NotOurs;
        }
    }

    private async Task<(IList<TEntity> Items, string ResourceVersion, string? Continue)> ListPageAsync(
        string? @namespace, string? continueToken, int pageSize, CancellationToken ct)
    {
        var m = Metadata;
        using var response = @namespace is null
            ? await kubernetes.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<EntityList<TEntity>>(
                m.Group, m.Version, m.Plural, continueParameter: continueToken, fieldSelector: Options.FieldSelector,
                labelSelector: Options.LabelSelector, limit: pageSize, cancellationToken: ct)
            : await kubernetes.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<EntityList<TEntity>>(
                m.Group, m.Version, @namespace, m.Plural, continueParameter: continueToken, fieldSelector: Options.FieldSelector,
                labelSelector: Options.LabelSelector, limit: pageSize, cancellationToken: ct);
        var list = response.Body;
        return (list.Items, list.Metadata?.ResourceVersion ?? string.Empty, list.Metadata?.ContinueProperty);
    }

    private async IAsyncEnumerable<(WatchEventType Type, TEntity Object)> OpenWatch(
        string? @namespace,
        string resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var m = Metadata;
        var stream = @namespace is null
            ? kubernetes.CustomObjects.WatchListClusterCustomObjectAsync(
                m.Group, m.Version, m.Plural, allowWatchBookmarks: true, fieldSelector: Options.FieldSelector,
                labelSelector: Options.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: onError, cancellationToken: ct)
            : kubernetes.CustomObjects.WatchListNamespacedCustomObjectAsync(
                m.Group, m.Version, @namespace, m.Plural, allowWatchBookmarks: true, fieldSelector: Options.FieldSelector,
                labelSelector: Options.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: onError, cancellationToken: ct);
        await foreach (var (type, raw) in stream.WithCancellation(ct))
        {
            var typed = raw switch
            {
                TEntity entity => entity,
                JsonElement element => KubernetesJson.Deserialize<TEntity>(element),
                null => default,
                _ => KubernetesJson.Deserialize<TEntity>(KubernetesJson.Serialize(raw)),
            };
            if (typed is not null)
            {
                yield return (type, typed);
            }
        }
    }
}
