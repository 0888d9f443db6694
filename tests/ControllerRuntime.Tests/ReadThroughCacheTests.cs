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
    private CancellationTokenSource _stop = null!;
    private ScriptedListWatch<PartialObjectMetadata<V1Secret>> _listWatch = null!;
    private Informer<PartialObjectMetadata<V1Secret>> _informer = null!;
    private InformerCache<PartialObjectMetadata<V1Secret>> _metadata = null!;
    private System.Threading.Channels.ChannelWriter<object> _watch = null!;
    private Task _run = Task.CompletedTask;

    /// <summary>The API server's Secrets, by name; every read is counted.</summary>
    private ConcurrentDictionary<string, V1Secret> _server = null!;
    private int _gets;
    private int _markers;

    [SetUp]
    public async Task StartInformer()
    {
        _stop = new CancellationTokenSource();
        _server = new();
        _gets = 0;
        Put("token", "5", 10);
        Put("env", "6", 10);
        _listWatch = new ScriptedListWatch<PartialObjectMetadata<V1Secret>>();
        _listWatch.EnqueueList("10", Meta("token", "5"), Meta("env", "6"), Meta("unrelated", "7"));
        _watch = _listWatch.NextWatch();
        _informer = new Informer<PartialObjectMetadata<V1Secret>>(_listWatch, time: new FakeTimeProvider());
        _metadata = new InformerCache<PartialObjectMetadata<V1Secret>>();
        _metadata.Attach(_informer);
        _run = _informer.RunAsync(_stop.Token);
        await _informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [TearDown]
    public async Task StopInformer()
    {
        await _stop.CancelAsync();
        _watch.TryComplete();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private ReadThroughCache<V1Secret> NewCache(long maxBytes = 1 << 20) => new(
        _metadata,
        (ns, name, _) =>
        {
            Interlocked.Increment(ref _gets);
            return Task.FromResult(_server.TryGetValue(name, out var secret) ? secret : null);
        },
        s => s.Data?.Values.Sum(v => (long)v.Length) ?? 0,
        new ReadThroughCacheOptions { MaxBytes = maxBytes });

    private void Put(string name, string rv, int bytes) => _server[name] = new V1Secret
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
        var marker = $"m{Interlocked.Increment(ref _markers)}";
        _watch.TryWrite(new EntityWatchEvent<PartialObjectMetadata<V1Secret>>(type, Meta(name, rv)));
        _watch.TryWrite(new EntityWatchEvent<PartialObjectMetadata<V1Secret>>(WatchEventType.Modified, Meta("marker", marker)));
        await Eventually.True(() => _informer.Store.TryGet(new ObjectKey("ns", "marker"), out var m) && m.Metadata.ResourceVersion == marker);
    }

    [Test]
    public async Task AnUnchangedSecretIsReadOnce()
    {
        var cache = NewCache();
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await cache.GetAsync("ns", "token", CancellationToken.None))?.Metadata.ResourceVersion, Is.EqualTo("5"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(_gets, Is.EqualTo(1));
            Assert.That(cache.Count, Is.EqualTo(1), "only what was asked for is kept, not the unrelated Secret");
        });
    }

    [Test]
    public async Task AChangeOnTheWatchDropsTheCopy_AndTheNextReadGetsTheNewValue()
    {
        var cache = NewCache();
        await cache.GetAsync("ns", "token", CancellationToken.None);
        Put("token", "20", 10);
        await WatchSaysAsync(WatchEventType.Modified, "token", "20");

        Assert.That(cache.Count, Is.Zero, "the watch's change dropped the old value at once");
        Assert.That((await cache.GetAsync("ns", "token", CancellationToken.None))?.Metadata.ResourceVersion, Is.EqualTo("20"));
        await cache.GetAsync("ns", "token", CancellationToken.None);
        Assert.That(_gets, Is.EqualTo(2));
    }

    [Test]
    public async Task ADeleteOnTheWatchDropsTheCopy_AndReadsSayItIsGone()
    {
        var cache = NewCache();
        await cache.GetAsync("ns", "token", CancellationToken.None);
        _server.TryRemove("token", out _);
        await WatchSaysAsync(WatchEventType.Deleted, "token", "21");

        Assert.That((cache.Count, cache.Bytes), Is.EqualTo((0, 0L)));
        Assert.That(await cache.GetAsync("ns", "token", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task AnObjectTheWatchDoesNotKnowIsReadEachTime_AndNotKept()
    {
        // Created a moment ago (the watch has not said so yet) or in a namespace the watch does not cover.
        Put("new", "30", 10);
        var cache = NewCache();
        await cache.GetAsync("ns", "new", CancellationToken.None);
        await cache.GetAsync("ns", "new", CancellationToken.None);
        Assert.That((_gets, cache.Count), Is.EqualTo((2, 0)));

        await WatchSaysAsync(WatchEventType.Added, "new", "30");
        await cache.GetAsync("ns", "new", CancellationToken.None);
        await cache.GetAsync("ns", "new", CancellationToken.None);
        Assert.That((_gets, cache.Count), Is.EqualTo((3, 1)), "kept once the watch knows it");
    }

    [Test]
    public async Task BoundedBySize_TheLeastRecentlyReadGoFirst()
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
            Assert.That(_gets, Is.EqualTo(3));
        });
        await cache.GetAsync("ns", "token", CancellationToken.None);
        await cache.GetAsync("ns", "env", CancellationToken.None);
        Assert.That(_gets, Is.EqualTo(4), "token was kept; env had been evicted");

        Put("huge", "9", 100);
        await WatchSaysAsync(WatchEventType.Added, "huge", "9");
        await cache.GetAsync("ns", "huge", CancellationToken.None);
        Assert.That(cache.Count, Is.EqualTo(2), "an object bigger than the bound is read, never kept");
    }

    [Test]
    public async Task ForgetDropsACopy()
    {
        var cache = NewCache();
        await cache.GetAsync("ns", "token", CancellationToken.None);
        cache.Forget(new ObjectKey("ns", "token"));
        await cache.GetAsync("ns", "token", CancellationToken.None);
        Assert.That(_gets, Is.EqualTo(2));
    }
}
