using System.Collections.Concurrent;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

/// <summary>The metadata-only list/watch, against a fake API server that answers as kube-apiserver 1.20 does.</summary>
[TestFixture]
public class MetadataListWatchTests
{
    private static readonly Uri Server = new("https://apiserver.test:6443");

    // A Secret's metadata as the server sends it: managedFields, and kubectl's annotation holding the whole Secret.
    private static string SecretMeta(string name, string rv) => System.Text.Json.JsonSerializer.Serialize(new
    {
        kind = "PartialObjectMetadata",
        apiVersion = "meta.k8s.io/v1",
        metadata = new Dictionary<string, object>
        {
            ["name"] = name,
            ["namespace"] = "team-a",
            ["uid"] = $"u-{name}",
            ["resourceVersion"] = rv,
            ["creationTimestamp"] = "2026-11-23T10:00:00Z",
            ["labels"] = new { app = "x" },
            ["annotations"] = new Dictionary<string, string> { ["kubectl.kubernetes.io/last-applied-configuration"] = """{"data":{"token":"c2VjcmV0"}}""" },
            ["managedFields"] = new[] { new { manager = "kubectl", operation = "Update", apiVersion = "v1", fieldsType = "FieldsV1", fieldsV1 = new Dictionary<string, object> { ["f:data"] = new { } } } },
        },
    });

    private static string ListPage(string rv, string? next, params string[] items) =>
        $$"""{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"{{rv}}"{{(next is null ? "" : $",\"continue\":\"{next}\"")}}},"items":[{{string.Join(',', items)}}]}""";

    private static string Line(string type, string obj) => $$"""{"type":"{{type}}","object":{{obj}}}""" + "\n";

    private static MetadataListWatch<V1Secret> Secrets(FakeApiServer server, ListWatchOptions? options = null) =>
        new(new HttpClient(server), Server, (request, _) =>
        {
            request.Headers.Authorization = new("Bearer", "operator-token");
            return Task.CompletedTask;
        }, options);

    [Test]
    public async Task Lists_page_by_page_asking_for_metadata_only_and_keeps_no_annotations_or_managed_fields()
    {
        var server = new FakeApiServer();
        server.Answer("/api/v1/namespaces/team-a/secrets", q => q.Contains("continue=p2", StringComparison.Ordinal)
            ? ListPage("12", null, SecretMeta("b", "11"))
            : ListPage("10", "p2", SecretMeta("a", "9")));

        var list = await Secrets(server, new ListWatchOptions { LabelSelector = "app=x", PageSize = 1 }).ListAsync("team-a", CancellationToken.None);

        var first = server.Requests.First();
        Assert.Multiple(() =>
        {
            Assert.That(list.Items.Select(i => i.Metadata.Name), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(list.ResourceVersion, Is.EqualTo("12"));
            Assert.That(first.Accept?.Replace(" ", "", StringComparison.Ordinal), Is.EqualTo(MetadataListWatch<V1Secret>.ListMediaType));
            Assert.That(first.Authorization, Is.EqualTo("Bearer operator-token"));
            Assert.That(first.Query, Does.Contain("limit=1").And.Contain("labelSelector=app%3Dx"));
            Assert.That(list.Items.All(i => i.Metadata.Annotations is null && i.Metadata.ManagedFields is null), Is.True);
            Assert.That(list.Items[0].Metadata.Labels, Does.ContainKey("app"));
            Assert.That(list.Items[0].Metadata.Uid, Is.EqualTo("u-a"));
        });
    }

    [Test]
    public async Task Annotations_are_kept_when_asked_for_managed_fields_never()
    {
        var server = new FakeApiServer();
        server.Answer("/api/v1/namespaces/team-a/secrets", _ => ListPage("10", null, SecretMeta("a", "9")));
        var listWatch = new MetadataListWatch<V1Secret>(new HttpClient(server), Server) { KeepAnnotations = true };

        var item = (await listWatch.ListAsync("team-a", CancellationToken.None)).Items.Single();

        Assert.That((item.Metadata.Annotations?.Count, item.Metadata.ManagedFields), Is.EqualTo(((int?)1, (IList<V1ManagedFieldsEntry>?)null)));
    }

    [Test]
    public async Task An_empty_list_comes_with_items_null()
    {
        var server = new FakeApiServer();
        server.Answer("/api/v1/namespaces/team-a/configmaps", _ => """{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"214"},"items":null}""");

        var list = await new MetadataListWatch<V1ConfigMap>(new HttpClient(server), Server).ListAsync("team-a", CancellationToken.None);

        Assert.That((list.Items.Count, list.ResourceVersion), Is.EqualTo((0, "214")));
    }

    [Test]
    public void Collection_paths_for_core_and_named_groups()
    {
        var server = new FakeApiServer();
        Assert.Multiple(() =>
        {
            Assert.That(new MetadataListWatch<V1ConfigMap>(new HttpClient(server), Server).CollectionPath(null), Is.EqualTo("api/v1/configmaps"));
            Assert.That(new MetadataListWatch<V1Secret>(new HttpClient(server), Server).CollectionPath("a b"), Is.EqualTo("api/v1/namespaces/a%20b/secrets"));
            Assert.That(new MetadataListWatch<Widget>(new HttpClient(server), Server).CollectionPath("ns"), Is.EqualTo("apis/test.example.com/v1/namespaces/ns/widgets"));
        });
    }

    [Test]
    public async Task Watch_streams_events_and_bookmarks_from_the_resource_version()
    {
        var server = new FakeApiServer();
        server.Answer("/api/v1/namespaces/team-a/secrets", _ =>
            Line("ADDED", SecretMeta("a", "11")) + Line("MODIFIED", SecretMeta("a", "12")) +
            Line("BOOKMARK", """{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"15"}}""") +
            Line("DELETED", SecretMeta("a", "16")));

        var events = new List<EntityWatchEvent<PartialObjectMetadata<V1Secret>>>();
        await foreach (var ev in Secrets(server).WatchAsync("team-a", "10", CancellationToken.None))
        {
            events.Add(ev);
        }

        var request = server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(events.Select(e => $"{e.Type}:{e.Object.Metadata.ResourceVersion}"), Is.EqualTo(new[] { "Added:11", "Modified:12", "Bookmark:15", "Deleted:16" }));
            Assert.That(events[0].Object.Metadata.Annotations, Is.Null);
            Assert.That(request.Accept?.Replace(" ", "", StringComparison.Ordinal), Is.EqualTo(MetadataListWatch<V1Secret>.WatchMediaType));
            Assert.That(request.Query, Does.Contain("watch=true").And.Contain("allowWatchBookmarks=true").And.Contain("resourceVersion=10").And.Contain("timeoutSeconds="));
        });
    }

    [Test]
    public async Task Watch_delivers_each_event_as_it_arrives_not_when_the_stream_ends()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var server = new FakeApiServer();
        server.Stream("/api/v1/namespaces/team-a/secrets", pipe.Reader.AsStream());
        await using var events = Secrets(server).WatchAsync("team-a", "10", CancellationToken.None).GetAsyncEnumerator();

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Line("ADDED", SecretMeta("a", "11"))));
        Assert.That(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(events.Current.Object.Metadata.ResourceVersion, Is.EqualTo("11"));

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Line("MODIFIED", SecretMeta("a", "12"))));
        Assert.That(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        await pipe.Writer.CompleteAsync();
        Assert.That(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), Is.False);
    }

    [Test]
    public void Watch_error_event_with_410_asks_for_a_relist()
    {
        var server = new FakeApiServer();
        server.Answer("/api/v1/namespaces/team-a/secrets", _ =>
            Line("ERROR", """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 10 (25)","reason":"Expired","code":410}"""));

        Assert.ThrowsAsync<ResourceVersionExpiredException>(async () =>
        {
            await foreach (var _ in Secrets(server).WatchAsync("team-a", "10", CancellationToken.None))
            {
            }
        });
    }

    [Test]
    public void List_answered_410_asks_for_a_relist_and_403_is_reported_as_forbidden_without_the_token()
    {
        var gone = new FakeApiServer();
        gone.Answer("/api/v1/secrets", _ => """{"kind":"Status","code":410,"reason":"Expired"}""", HttpStatusCode.Gone);
        var forbidden = new FakeApiServer();
        forbidden.Answer("/api/v1/secrets", _ => """{"kind":"Status","code":403,"reason":"Forbidden","message":"secrets is forbidden"}""", HttpStatusCode.Forbidden);

        Assert.ThrowsAsync<ResourceVersionExpiredException>(() => Secrets(gone).ListAsync(null, CancellationToken.None));
        var error = Assert.ThrowsAsync<HttpOperationException>(() => Secrets(forbidden).ListAsync(null, CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(KubernetesErrors.StatusCode(error), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(error!.Message, Does.Contain("Forbidden"), "what the operator logs, and what the chart's RBAC tests look for");
            Assert.That(error.Request, Is.Null, "the request's headers carry the bearer token");
        });
    }

    [Test]
    public async Task An_informer_over_it_keeps_only_metadata_and_follows_the_watch()
    {
        var server = new FakeApiServer();
        var watches = 0;
        // The first watch has two events; the next ones end at once, so the informer backs off (on a clock that stands still).
        server.Answer("/api/v1/namespaces/team-a/secrets", q => q.Contains("watch=true", StringComparison.Ordinal)
            ? (Interlocked.Increment(ref watches) == 1 ? Line("MODIFIED", SecretMeta("a", "11")) + Line("DELETED", SecretMeta("b", "12")) : "")
            : ListPage("10", null, SecretMeta("a", "9"), SecretMeta("b", "8")));
        var informer = new Informer<PartialObjectMetadata<V1Secret>>(Secrets(server), new InformerOptions { Namespaces = ["team-a"] }, new FakeTimeProvider());
        var events = new ConcurrentQueue<string>();
        informer.AddEventHandler(e => events.Enqueue($"{e.Type}:{e.Object.Metadata.Name}"));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);

        await Eventually.True(() => events.Count == 4);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(informer.Name, Is.EqualTo("Secret"));
            Assert.That(events, Is.EqualTo(new[] { "Added:a", "Added:b", "Updated:a", "Deleted:b" }));
            Assert.That(informer.Store.TryGet(new ObjectKey("team-a", "a"), out var a) ? a.Metadata.ResourceVersion : null, Is.EqualTo("11"));
        });
    }
}

/// <summary>Answers GETs by path with the test's body; records what each request asked for.</summary>
internal sealed class FakeApiServer : HttpMessageHandler
{
    private readonly Dictionary<string, (Func<string, string> Body, HttpStatusCode Status)> routes = [];

    public ConcurrentQueue<(string Path, string Query, string? Accept, string? Authorization)> Requests { get; } = new();

    private readonly Dictionary<string, Stream> streams = [];

    public void Answer(string path, Func<string, string> body, HttpStatusCode status = HttpStatusCode.OK) => routes[path] = (body, status);

    /// <summary>Answers with a body the test writes while the client reads (a watch that stays open).</summary>
    public void Stream(string path, Stream body) => streams[path] = body;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        Requests.Enqueue((uri.AbsolutePath, uri.Query, request.Headers.TryGetValues("Accept", out var accept) ? string.Join(",", accept) : null, request.Headers.Authorization?.ToString()));
        if (streams.TryGetValue(uri.AbsolutePath, out var stream))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream) });
        }

        var (body, status) = routes.TryGetValue(uri.AbsolutePath, out var route) ? route : (_ => "{}", HttpStatusCode.NotFound);
        return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body(uri.Query), Encoding.UTF8, "application/json") });
    }
}
