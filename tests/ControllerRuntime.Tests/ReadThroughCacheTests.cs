using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

/// <summary>
/// Whole objects read on demand and kept while the metadata watch shows them unchanged, with a metadata informer
/// driven by a scripted list/watch as the runtime runs it.
/// </summary>
[TestFixture]
public sealed class ReadThroughCacheTests
{
    private CancellationTokenSource stop = null!;
    private ScriptedListWatch<PartialObjectMetadata<V1Secret>> listWatch = null!;
    private Informer<PartialObjectMetadata<V1Secret>> informer = null!;
    private InformerCache<PartialObjectMetadata<V1Secret>> metadata = null!;
    private System.Threading.Channels.ChannelWriter<object> watch = null!;
    private Task run = Task.CompletedTask;

    /// <summary>The API server's Secrets, by name; every read is counted.</summary>
    private ConcurrentDictionary<string, V1Secret> server = null!;
    private int gets;
    private int markers;

    [SetUp]
    public async Task StartInformer()
    {
        stop = new CancellationTokenSource();
        server = new();
        gets = 0;
        Put("token", "5", 10);
        Put("env", "6", 10);
        listWatch = new ScriptedListWatch<PartialObjectMetadata<V1Secret>>();
        listWatch.EnqueueList("10", Meta("token", "5"), Meta("env", "6"), Meta("unrelated", "7"));
        watch = listWatch.NextWatch();
        informer = new Informer<PartialObjectMetadata<V1Secret>>(listWatch, time: new FakeTimeProvider());
        metadata = new InformerCache<PartialObjectMetadata<V1Secret>>();
        metadata.Attach(informer);
        run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [TearDown]
    public async Task StopInformer()
    {
        await stop.CancelAsync();
        watch.TryComplete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        stop.Dispose();
    }

    private ReadThroughCache<V1Secret> NewCache(long maxBytes = 1 << 20) => new(
        metadata,
        (ns, name, _) =>
        {
            Interlocked.Increment(ref gets);
            return Task.FromResult(server.TryGetValue(name, out var secret) ? secret : null);
        },
        s => s.Data?.Values.Sum(v => (long)v.Length) ?? 0,
        new ReadThroughCacheOptions { MaxBytes = maxBytes });

    private void Put(string name, string rv, int bytes) => server[name] = new V1Secret
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = name, ResourceVersion = rv },
        Data = new Dictionary<string, byte[]> { ["value"] = new byte[bytes] },
    };

    private static PartialObjectMetadata<V1Secret> Meta(string name, string rv) =>
        new() { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = name, ResourceVersion = rv } };

    /// <summary>
    /// The watch reports a change and the informer has handled it: a marker event follows it, and the informer handles
    /// events one after another, so once the marker is in its store every handler has seen the change.
    /// </summary>
    private async Task WatchSaysAsync(WatchEventType type, string name, string rv)
    {
        var marker = $"m{Interlocked.Increment(ref markers)}";
        watch.TryWrite(new EntityWatchEvent<PartialObjectMetadata<V1Secret>>(type, Meta(name, rv)));
        watch.TryWrite(new EntityWatchEvent<PartialObjectMetadata<V1Secret>>(WatchEventType.Modified, Meta("marker", marker)));
        await Eventually.True(() => informer.Store.TryGet(new ObjectKey("ns", "marker"), out var m) && m.Metadata.ResourceVersion == marker);
    }

    [Test]
    public async Task An_unchanged_secret_is_read_once()
    {
        var cache = NewCache();
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await cache.GetAsync("ns", "token", CancellationToken.None))?.Metadata.ResourceVersion, Is.EqualTo("5"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(gets, Is.EqualTo(1));
            Assert.That(cache.Count, Is.EqualTo(1), "only what was asked for is kept, not the unrelated Secret");
        });
    }

    [Test]
    public async Task A_change_on_the_watch_drops_the_copy_and_the_next_read_gets_the_new_value()
    {
        var cache = NewCache();
        await cache.GetAsync("ns", "token", CancellationToken.None);
        Put("token", "20", 10);
        await WatchSaysAsync(WatchEventType.Modified, "token", "20");

        Assert.That(cache.Count, Is.Zero, "the watch's change dropped the old value at once");
        Assert.That((await cache.GetAsync("ns", "token", CancellationToken.None))?.Metadata.ResourceVersion, Is.EqualTo("20"));
        await cache.GetAsync("ns", "token", CancellationToken.None);
        Assert.That(gets, Is.EqualTo(2));
    }

    [Test]
    public async Task A_delete_on_the_watch_drops_the_copy_and_reads_say_it_is_gone()
    {
        var cache = NewCache();
        await cache.GetAsync("ns", "token", CancellationToken.None);
        server.TryRemove("token", out _);
        await WatchSaysAsync(WatchEventType.Deleted, "token", "21");

        Assert.That((cache.Count, cache.Bytes), Is.EqualTo((0, 0L)));
        Assert.That(await cache.GetAsync("ns", "token", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task An_object_the_watch_does_not_know_is_read_each_time_and_not_kept()
    {
        // Created a moment ago (the watch has not said so yet) or in a namespace the watch does not cover.
        Put("new", "30", 10);
        var cache = NewCache();
        await cache.GetAsync("ns", "new", CancellationToken.None);
        await cache.GetAsync("ns", "new", CancellationToken.None);
        Assert.That((gets, cache.Count), Is.EqualTo((2, 0)));

        await WatchSaysAsync(WatchEventType.Added, "new", "30");
        await cache.GetAsync("ns", "new", CancellationToken.None);
        await cache.GetAsync("ns", "new", CancellationToken.None);
        Assert.That((gets, cache.Count), Is.EqualTo((3, 1)), "kept once the watch knows it");
    }

    [Test]
    public async Task Bounded_by_size_the_least_recently_read_go_first()
    {
        Put("third", "8", 10);
        await WatchSaysAsync(WatchEventType.Added, "third", "8");
        var cache = NewCache(maxBytes: 25);
        await cache.GetAsync("ns", "token", CancellationToken.None);
        await cache.GetAsync("ns", "env", CancellationToken.None);
        await cache.GetAsync("ns", "token", CancellationToken.None); // env is now the least recently read
        await cache.GetAsync("ns", "third", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(cache.Count, Is.EqualTo(2));
            Assert.That(cache.Bytes, Is.EqualTo(20));
            Assert.That(gets, Is.EqualTo(3));
        });
        await cache.GetAsync("ns", "token", CancellationToken.None);
        await cache.GetAsync("ns", "env", CancellationToken.None);
        Assert.That(gets, Is.EqualTo(4), "token was kept; env had been evicted");

        Put("huge", "9", 100);
        await WatchSaysAsync(WatchEventType.Added, "huge", "9");
        await cache.GetAsync("ns", "huge", CancellationToken.None);
        Assert.That(cache.Count, Is.EqualTo(2), "an object bigger than the bound is read, never kept");
    }

    [Test]
    public async Task Forget_drops_a_copy()
    {
        var cache = NewCache();
        await cache.GetAsync("ns", "token", CancellationToken.None);
        cache.Forget(new ObjectKey("ns", "token"));
        await cache.GetAsync("ns", "token", CancellationToken.None);
        Assert.That(gets, Is.EqualTo(2));
    }
}
