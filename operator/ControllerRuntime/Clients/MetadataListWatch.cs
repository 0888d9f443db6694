using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ControllerRuntime;

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

    private readonly HttpClient http;
    private readonly Uri baseUri;
    private readonly Func<HttpRequestMessage, CancellationToken, Task>? authorize;
    private readonly ListWatchOptions options;
    private readonly EntityMetadata resource = EntityMetadata.For<TEntity>();
    // KubernetesClient's settings, minus the metadata this watch never keeps, which the parser then skips unread.
    private static readonly JsonSerializerOptions WithoutAnnotations = ParseOptions(keepAnnotations: false);
    private static readonly JsonSerializerOptions WithAnnotations = ParseOptions(keepAnnotations: true);

    private readonly DelegateListWatch<PartialObjectMetadata<TEntity>> listWatch;
    private readonly ConcurrentDictionary<string, string> namespaces = new(StringComparer.Ordinal);

    /// <param name="http">Sends requests as given (absolute URIs).</param>
    /// <param name="baseUri">The API server, e.g. <c>https://10.0.0.1:443/</c>.</param>
    /// <param name="authorize">Adds credentials to each request (KubernetesClient's <c>Credentials</c>).</param>
    public MetadataListWatch(HttpClient http, Uri baseUri, Func<HttpRequestMessage, CancellationToken, Task>? authorize = null, ListWatchOptions? options = null)
    {
        this.http = http;
        this.baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        this.authorize = authorize;
        this.options = options ?? new ListWatchOptions();
        listWatch = new DelegateListWatch<PartialObjectMetadata<TEntity>>(ListPageAsync, OpenWatch, this.options);
    }

    /// <summary>
    /// Keep annotations. Off by default: kubectl's last-applied-configuration annotation of an applied Secret holds the
    /// whole Secret, data included. managedFields are always dropped (large, and no use to a metadata watch).
    /// </summary>
    public bool KeepAnnotations { get; init; }

    private JsonSerializerOptions Json => KeepAnnotations ? WithAnnotations : WithoutAnnotations;

    /// <summary>Over the connection, credentials and TLS settings of a KubernetesClient <see cref="Kubernetes"/>.</summary>
    public static MetadataListWatch<TEntity> For(IKubernetes kubernetes, ListWatchOptions? options = null) =>
        kubernetes is Kubernetes client
            ? new MetadataListWatch<TEntity>(client.HttpClient, client.BaseUri, client.Credentials is { } credentials ? credentials.ProcessHttpRequestAsync : null, options)
            : throw new NotSupportedException($"A metadata watch needs KubernetesClient's Kubernetes for its HTTP connection, not {kubernetes.GetType().Name}.");

    public Task<EntityListResult<PartialObjectMetadata<TEntity>>> ListAsync(string? @namespace, CancellationToken ct) =>
        listWatch.ListAsync(@namespace, ct);

    public IAsyncEnumerable<EntityWatchEvent<PartialObjectMetadata<TEntity>>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken ct) =>
        listWatch.WatchAsync(@namespace, resourceVersion, ct);

    /// <summary>The collection's path: <c>api/v1/namespaces/NS/secrets</c>, <c>apis/GROUP/VERSION/PLURAL</c>.</summary>
    internal string CollectionPath(string? @namespace)
    {
        var root = resource.IsCoreGroup ? $"api/{resource.Version}" : $"apis/{resource.Group}/{resource.Version}";
        return @namespace is null ? $"{root}/{resource.Plural}" : $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{resource.Plural}";
    }

    private async Task<(IList<PartialObjectMetadata<TEntity>> Items, string ResourceVersion, string? Continue)> ListPageAsync(
        string? @namespace, string? continueToken, int pageSize, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var request = Request(@namespace, ListMediaType, ("limit", pageSize.ToString(CultureInfo.InvariantCulture)), ("continue", continueToken));
        using var response = await SendAsync(request, timeout.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        // Parsed as it arrives, in pooled buffers: a page read whole into a string is megabytes of large-object garbage.
        var list = await JsonSerializer.DeserializeAsync<EntityList<PartialObjectMetadata<TEntity>>>(stream, Json, timeout.Token)
            ?? throw new JsonException("Empty list response");
        // An empty PartialObjectMetadataList comes as "items": null (kube-apiserver 1.20), unlike typed lists.
        var items = list.Items ?? [];
        foreach (var item in items)
        {
            Slim(item);
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
        // One JSON object per line, each parsed straight into its event: no string or document per line.
        await using var events = JsonSerializer.DeserializeAsyncEnumerable<WatchLine>(stream, topLevelValues: true, Json, deadline.Token)
            .GetAsyncEnumerator(deadline.Token);
        while (true)
        {
            var (more, line, error) = await NextAsync(events);
            var (type, obj) = (default(WatchEventType), default(PartialObjectMetadata<TEntity>));
            if (more && error is null)
            {
                (type, obj, error) = Interpret(line!);
            }

            if (error is not null)
            {
                // DelegateListWatch turns a 410 status into a re-list, an undecodable line too, and anything else into a re-watch.
                onError(error);
            }

            if (!more || error is not null)
            {
                yield break;
            }

            yield return (type, obj!);
        }
    }

    private static async Task<(bool More, WatchLine? Line, Exception? Error)> NextAsync(IAsyncEnumerator<WatchLine?> events)
    {
        try
        {
            return await events.MoveNextAsync() ? (true, events.Current, null) : (false, null, null);
        }
        catch (JsonException e)
        {
            return (true, null, e);
        }
    }

    private (WatchEventType Type, PartialObjectMetadata<TEntity>? Object, Exception? Error) Interpret(WatchLine line)
    {
        if (!Enum.TryParse<WatchEventType>(line.Type, ignoreCase: true, out var type) || line.Object is not { } obj)
        {
            return (default, null, new JsonException($"Watch event of type {line.Type} without an object"));
        }

        if (type == WatchEventType.Error)
        {
            return (type, null, new KubernetesException(new V1Status { Code = obj.Code, Reason = obj.Reason, Message = obj.Message, Status = obj.Status }));
        }

        var item = new PartialObjectMetadata<TEntity> { Metadata = obj.Metadata ?? new V1ObjectMeta() };
        Slim(item);
        return (type, item, null);
    }

    private HttpRequestMessage Request(string? @namespace, string accept, params (string Name, string? Value)[] query)
    {
        var parameters = query
            .Append(("labelSelector", options.LabelSelector))
            .Append(("fieldSelector", options.FieldSelector))
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}");
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"{CollectionPath(@namespace)}?{string.Join('&', parameters)}"))
        {
            // As KubernetesClient asks: HTTP/2 where the server offers it, so watches share one connection.
            Version = System.Net.HttpVersion.Version20,
        };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (authorize is not null)
        {
            await authorize(request, ct);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
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

    /// <summary>Shares the strings every item repeats: a cluster may hold tens of thousands of these.</summary>
    private void Slim(PartialObjectMetadata<TEntity> item)
    {
        item.ApiVersion = PartialObjectMetadata<TEntity>.MetaApiVersion;
        item.Kind = PartialObjectMetadata<TEntity>.MetaKind;
        if (item.Metadata?.NamespaceProperty is { } ns)
        {
            item.Metadata.NamespaceProperty = namespaces.GetOrAdd(ns, ns);
        }
    }

    /// <summary>
    /// Parsing settings that leave out managedFields (large, and no use to a metadata cache) and, unless kept,
    /// annotations: the parser skips what no property asks for, so they cost neither memory nor garbage.
    /// </summary>
    private static JsonSerializerOptions ParseOptions(bool keepAnnotations)
    {
        var kubernetes = CaptureKubernetesJsonOptions();
        return new JsonSerializerOptions(kubernetes)
        {
            TypeInfoResolver = (kubernetes.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(info =>
            {
                if (info.Type != typeof(V1ObjectMeta))
                {
                    return;
                }

                for (var i = info.Properties.Count - 1; i >= 0; i--)
                {
                    if (info.Properties[i].Name == "managedFields" || (!keepAnnotations && info.Properties[i].Name == "annotations"))
                    {
                        info.Properties.RemoveAt(i);
                    }
                }
            }),
        };
    }

    /// <summary>
    /// KubernetesClient's serializer settings (its date formats, naming), for the streaming calls it does not offer.
    /// Only read here, never changed.
    /// </summary>
    private static JsonSerializerOptions CaptureKubernetesJsonOptions()
    {
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesJson did not hand out its options");
    }

    /// <summary>One line of a watch stream.</summary>
    private sealed class WatchLine
    {
        [JsonPropertyName("type")]
        public string Type { get; set; } = "";

        [JsonPropertyName("object")]
        public WatchObject? Object { get; set; }
    }

    /// <summary>A watch event's object: metadata, or the Status of an ERROR event (code, reason, message).</summary>
    private sealed class WatchObject
    {
        [JsonPropertyName("metadata")]
        public V1ObjectMeta? Metadata { get; set; }

        [JsonPropertyName("status")]
        public string? Status { get; set; }

        [JsonPropertyName("code")]
        public int? Code { get; set; }

        [JsonPropertyName("reason")]
        public string? Reason { get; set; }

        [JsonPropertyName("message")]
        public string? Message { get; set; }
    }
}
