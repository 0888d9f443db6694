using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SandboxOperator.Runtime;

/// <summary>
/// Lists and watches any resource as <see cref="PartialObjectMetadata{TEntity}"/>: asked with these media types, the
/// API server (1.15 and later) sends each object's metadata and nothing else, so a watch that only needs to know which
/// objects exist and when they change never receives or holds their data (client-go's metadata informer).
/// KubernetesClient has no such call, so this speaks HTTP through the client's own HttpClient and credentials; paging,
/// bookmarks and the 410 classification are <see cref="DelegateListWatch{TEntity}"/>'s, as for every other informer.
/// </summary>
public sealed class MetadataListWatch<TEntity> : IListWatch<PartialObjectMetadata<TEntity>>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public const string ListMediaType = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

    public const string WatchMediaType = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

    // KubernetesClient's default per-request timeout, for a list that stalls; a watch may run its timeoutSeconds plus this.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly Func<HttpRequestMessage, CancellationToken, Task>? _authorize;
    private readonly ListWatchOptions _options;
    private readonly EntityMetadata _resource = EntityMetadata.For<TEntity>();
    private readonly DelegateListWatch<PartialObjectMetadata<TEntity>> _listWatch;

    /// <param name="http">Sends requests as given (absolute URIs).</param>
    /// <param name="baseUri">The API server, e.g. <c>https://10.0.0.1:443/</c>.</param>
    /// <param name="authorize">Adds credentials to each request (KubernetesClient's <c>Credentials</c>).</param>
    public MetadataListWatch(HttpClient http, Uri baseUri, Func<HttpRequestMessage, CancellationToken, Task>? authorize = null, ListWatchOptions? options = null)
    {
        _http = http;
        _baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _authorize = authorize;
        _options = options ?? new ListWatchOptions();
        _listWatch = new DelegateListWatch<PartialObjectMetadata<TEntity>>(ListPageAsync, OpenWatch, _options);
    }

    /// <summary>
    /// Keep annotations. Off by default: kubectl's last-applied-configuration annotation of an applied Secret holds the
    /// whole Secret, data included. managedFields are always dropped (large, and no use to a metadata watch).
    /// </summary>
    public bool KeepAnnotations { get; init; }

    /// <summary>Over the connection, credentials and TLS settings of a KubernetesClient <see cref="Kubernetes"/>.</summary>
    public static MetadataListWatch<TEntity> For(IKubernetes kubernetes, ListWatchOptions? options = null) =>
        kubernetes is Kubernetes client
            ? new MetadataListWatch<TEntity>(client.HttpClient, client.BaseUri, client.Credentials is { } credentials ? credentials.ProcessHttpRequestAsync : null, options)
            : throw new NotSupportedException($"A metadata watch needs KubernetesClient's Kubernetes for its HTTP connection, not {kubernetes.GetType().Name}.");

    public Task<EntityListResult<PartialObjectMetadata<TEntity>>> ListAsync(string? @namespace, CancellationToken ct) =>
        _listWatch.ListAsync(@namespace, ct);

    public IAsyncEnumerable<EntityWatchEvent<PartialObjectMetadata<TEntity>>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken ct) =>
        _listWatch.WatchAsync(@namespace, resourceVersion, ct);

    /// <summary>The collection's path: <c>api/v1/namespaces/NS/secrets</c>, <c>apis/GROUP/VERSION/PLURAL</c>.</summary>
    internal string CollectionPath(string? @namespace)
    {
        var root = _resource.IsCoreGroup ? $"api/{_resource.Version}" : $"apis/{_resource.Group}/{_resource.Version}";
        return @namespace is null ? $"{root}/{_resource.Plural}" : $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{_resource.Plural}";
    }

    private async Task<(IList<PartialObjectMetadata<TEntity>> Items, string ResourceVersion, string? Continue)> ListPageAsync(
        string? @namespace, string? continueToken, int pageSize, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var request = Request(@namespace, ListMediaType, ("limit", pageSize.ToString(CultureInfo.InvariantCulture)), ("continue", continueToken));
        using var response = await SendAsync(request, timeout.Token);
        // A page of metadata is small: read it whole rather than block a thread on a synchronous parse of the stream.
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        var list = KubernetesJson.Deserialize<EntityList<PartialObjectMetadata<TEntity>>>(body);
        // An empty PartialObjectMetadataList comes as "items": null (kube-apiserver 1.20), unlike typed lists.
        var items = list.Items ?? [];
        foreach (var item in items)
        {
            Trim(item);
        }

        return (items, list.Metadata?.ResourceVersion ?? string.Empty, list.Metadata?.ContinueProperty);
    }

    private async IAsyncEnumerable<(WatchEventType Type, PartialObjectMetadata<TEntity> Object)> OpenWatch(
        string? @namespace, string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
    {
        // The server ends the watch after timeoutSeconds; the deadline only catches a connection that went silent.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds) + RequestTimeout);
        using var request = Request(
            @namespace,
            WatchMediaType,
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("resourceVersion", resourceVersion),
            ("timeoutSeconds", timeoutSeconds.ToString(CultureInfo.InvariantCulture)));
        using var response = await SendAsync(request, deadline.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var (type, obj, error) = ParseEvent(line);
            if (error is not null)
            {
                // DelegateListWatch turns a 410 status into a re-list, an undecodable line too, and anything else into a re-watch.
                onError(error);
                yield break;
            }

            yield return (type, obj!);
        }
    }

    private (WatchEventType Type, PartialObjectMetadata<TEntity>? Object, Exception? Error) ParseEvent(string line)
    {
        try
        {
            var ev = KubernetesJson.Deserialize<WatchLine>(line);
            if (!Enum.TryParse<WatchEventType>(ev.Type, ignoreCase: true, out var type))
            {
                return (default, null, new JsonException($"Unknown watch event type {ev.Type}"));
            }

            if (type == WatchEventType.Error)
            {
                return (type, null, new KubernetesException(KubernetesJson.Deserialize<V1Status>(ev.Object)));
            }

            var obj = KubernetesJson.Deserialize<PartialObjectMetadata<TEntity>>(ev.Object)
                ?? throw new JsonException("Watch event without an object");
            Trim(obj);
            return (type, obj, null);
        }
        catch (JsonException e)
        {
            return (default, null, e);
        }
    }

    private HttpRequestMessage Request(string? @namespace, string accept, params (string Name, string? Value)[] query)
    {
        var parameters = query
            .Append(("labelSelector", _options.LabelSelector))
            .Append(("fieldSelector", _options.FieldSelector))
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}");
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, $"{CollectionPath(@namespace)}?{string.Join('&', parameters)}"))
        {
            // As KubernetesClient asks: HTTP/2 where the server offers it, so watches share one connection.
            Version = System.Net.HttpVersion.Version20,
        };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (_authorize is not null)
        {
            await _authorize(request, ct);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        // The exception KubernetesClient's own calls throw, so the runtime classifies and logs it the same way ("Forbidden",
        // 410 Gone). The request is left out: its headers carry the operator's bearer token.
        using (response)
        {
            var content = await response.Content.ReadAsStringAsync(ct);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}'")
            {
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }
    }

    private void Trim(PartialObjectMetadata<TEntity> item)
    {
        if (item.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
            if (!KeepAnnotations)
            {
                metadata.Annotations = null;
            }
        }
    }

    /// <summary>One line of a watch stream.</summary>
    private sealed class WatchLine
    {
        [JsonPropertyName("type")]
        public string Type { get; set; } = "";

        [JsonPropertyName("object")]
        public JsonElement Object { get; set; }
    }
}
