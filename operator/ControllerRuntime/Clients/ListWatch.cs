using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControllerRuntime;

/// <summary>One consistent snapshot of a collection: its items and the resourceVersion to watch from.</summary>
public sealed record EntityListResult<TEntity>(IReadOnlyList<TEntity> Items, string ResourceVersion);

/// <summary>A change seen on a watch. <see cref="WatchEventType.Bookmark"/> objects only carry a resourceVersion.</summary>
public readonly record struct EntityWatchEvent<TEntity>(WatchEventType Type, TEntity Object);

/// <summary>
/// The list and watch calls an informer makes, per namespace (<c>null</c> = all namespaces or cluster-scoped).
/// Implementations throw <see cref="ResourceVersionExpiredException"/> when the server says the resourceVersion is
/// too old (410 Gone), so the reflector knows to re-list; any other exception makes it back off and re-watch.
/// </summary>
public interface IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    Task<EntityListResult<TEntity>> ListAsync(string? @namespace, CancellationToken ct);

    /// <summary>Streams changes after <paramref name="resourceVersion"/> until the server closes the watch.</summary>
    IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken ct);
}

/// <summary>The resourceVersion a list or watch started from is no longer served (HTTP 410 Gone / "Expired").</summary>
public sealed class ResourceVersionExpiredException : Exception
{
    public ResourceVersionExpiredException()
        : this("The resource version is too old.")
    {
    }

    public ResourceVersionExpiredException(string message)
        : base(message)
    {
    }

    public ResourceVersionExpiredException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>How API errors are classified by the runtime.</summary>
public static class KubernetesErrors
{
    public static HttpStatusCode? StatusCode(Exception? ex) => ex switch
    {
        HttpOperationException http => http.Response?.StatusCode,
        KubernetesException k8s when k8s.Status?.Code is int code => (HttpStatusCode)code,
        _ => null,
    };

    public static bool IsConflict(Exception? ex) => StatusCode(ex) == HttpStatusCode.Conflict;

    public static bool IsNotFound(Exception? ex) => StatusCode(ex) == HttpStatusCode.NotFound;

    public static bool IsGone(Exception? ex) =>
        ex is ResourceVersionExpiredException
        || StatusCode(ex) == HttpStatusCode.Gone
        || (ex is KubernetesException k8s && (k8s.Status?.Reason is "Expired" or "Gone"
            || (k8s.Status?.Message?.Contains("too old resource version", StringComparison.OrdinalIgnoreCase) ?? false)));
}

/// <summary>Options shared by the API-backed list/watch implementations.</summary>
public sealed record ListWatchOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Items per list page (continue tokens are followed).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// Server-side watch timeout lower bound; each watch asks for a random value in [min, 2*min) so that replicas
    /// do not reconnect in lockstep, as client-go does.
    /// </summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    internal int NextWatchTimeoutSeconds() =>
        (int)(MinWatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()));
}

/// <summary>
/// List/watch from delegates, for types the CustomObjects API cannot serve (core types such as Secrets).
/// Use <see cref="ListWatches"/> for ready-made ones.
/// </summary>
public sealed class DelegateListWatch<TEntity> : IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Lists one page: (namespace or null, continue token or null) → (items, resourceVersion, continue).</summary>
    public delegate Task<(IList<TEntity> Items, string ResourceVersion, string? Continue)> ListPage(
        string? @namespace, string? continueToken, int pageSize, CancellationToken ct);

    /// <summary>Opens a watch; errors that the client reports out of band go to <c>onError</c>.</summary>
    public delegate IAsyncEnumerable<(WatchEventType Type, TEntity Object)> OpenWatch(
        string? @namespace, string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken ct);

    private readonly ListPage list;
    private readonly OpenWatch watch;
    private readonly ListWatchOptions options;
    private readonly EntityMetadata metadata;

    public DelegateListWatch(ListPage list, OpenWatch watch, ListWatchOptions? options = null)
    {
        this.list = list;
        this.watch = watch;
        this.options = options ?? new ListWatchOptions();
        metadata = EntityMetadata.For<TEntity>();
    }

    public async Task<EntityListResult<TEntity>> ListAsync(string? @namespace, CancellationToken ct)
    {
        var items = new List<TEntity>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            (IList<TEntity> Items, string ResourceVersion, string? Continue) page;
            try
            {
                page = await list(@namespace, continueToken, options.PageSize, ct);
            }
            catch (Exception ex) when (KubernetesErrors.IsGone(ex) && ex is not ResourceVersionExpiredException)
            {
                throw new ResourceVersionExpiredException("List continue token or resource version expired.", ex);
            }

            foreach (var item in page.Items)
            {
                metadata.Stamp(item);
                items.Add(item);
            }

            resourceVersion = page.ResourceVersion;
            continueToken = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (continueToken is not null);

        return new EntityListResult<TEntity>(items, resourceVersion);
    }

    public async IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(
        string? @namespace,
        string resourceVersion,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        Exception? error = null;
        var stream = watch(@namespace, resourceVersion, options.NextWatchTimeoutSeconds(), ex => error ??= ex, ct);
        await using var enumerator = stream.GetAsyncEnumerator(ct);
        while (true)
        {
            bool moved;
            try
            {
                moved = await enumerator.MoveNextAsync();
            }
            catch (Exception ex) when (KubernetesErrors.IsGone(ex) && ex is not ResourceVersionExpiredException)
            {
                throw new ResourceVersionExpiredException("Watch resource version expired.", ex);
            }

            ThrowIfFailed(error);
            if (!moved)
            {
                yield break;
            }

            var (type, obj) = enumerator.Current;
            if (type == WatchEventType.Error)
            {
                throw new ResourceVersionExpiredException("Watch returned an ERROR event.");
            }

            if (obj is null)
            {
                continue;
            }

            if (type != WatchEventType.Bookmark)
            {
                metadata.Stamp(obj);
            }

            yield return new EntityWatchEvent<TEntity>(type, obj);
        }
    }

    private static void ThrowIfFailed(Exception? error)
    {
        switch (error)
        {
            case null:
                return;
            case ResourceVersionExpiredException:
                throw error;
            case KubernetesException when KubernetesErrors.IsGone(error):
                throw new ResourceVersionExpiredException("Watch resource version expired.", error);
            case System.Text.Json.JsonException:
                // One undecodable line: the informer cannot know what changed, so start over from a list.
                throw new ResourceVersionExpiredException("Watch event could not be decoded.", error);
            default:
                throw new IOException($"Watch failed: {error.GetType().Name}: {error.Message}", error);
        }
    }
}
