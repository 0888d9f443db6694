using k8s;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class InformerTests
{
    private static EntityWatchEvent<Widget> Ev(WatchEventType type, Widget w) => new(type, w);

    [Test]
    public async Task Relists_on_410_and_emits_deletes_for_vanished_objects()
    {
        var lw = new ScriptedListWatch<Widget>();
        lw.EnqueueList("10", Widget.Make("ns", "a", "9"), Widget.Make("ns", "b", "8"));
        lw.EnqueueList("20", Widget.Make("ns", "a", "11"), Widget.Make("ns", "c", "19"));
        var firstWatch = lw.NextWatch();
        var secondWatch = lw.NextWatch();

        var informer = new Informer<Widget>(lw, time: new FakeTimeProvider());
        var events = new List<string>();
        informer.AddEventHandler(e =>
        {
            lock (events)
            {
                events.Add($"{e.Type}:{e.Object.Metadata.Name}");
            }
        });
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        firstWatch.TryWrite(Ev(WatchEventType.Modified, Widget.Make("ns", "a", "11")));
        firstWatch.TryWrite(new ResourceVersionExpiredException());

        await Eventually.True(() => lw.WatchCalls.Count == 2);
        await cts.CancelAsync();
        secondWatch.TryComplete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(lw.ListCalls, Is.EqualTo(2));
            Assert.That(lw.WatchCalls.Select(c => c.ResourceVersion), Is.EqualTo(new[] { "10", "20" }));
            Assert.That(events, Is.EqualTo(new[] { "Added:a", "Added:b", "Updated:a", "Added:c", "Deleted:b" }));
            Assert.That(informer.Store.TryGet(new ObjectKey("ns", "b"), out _), Is.False);
            Assert.That(informer.Store.ListByNamespace("ns").Select(w => w.Metadata.Name).Order(), Is.EqualTo(new[] { "a", "c" }));
        });
    }

    [Test]
    public async Task Cached_objects_keep_no_managed_fields_from_the_list_or_the_watch()
    {
        static Widget WithManagedFields(string name, string rv)
        {
            var widget = Widget.Make("ns", name, rv);
            widget.Metadata.ManagedFields = [new k8s.Models.V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
            return widget;
        }

        var lw = new ScriptedListWatch<Widget>();
        lw.EnqueueList("10", WithManagedFields("listed", "9"));
        var watch = lw.NextWatch();
        var informer = new Informer<Widget>(lw, time: new FakeTimeProvider());
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        watch.TryWrite(Ev(WatchEventType.Added, WithManagedFields("watched", "11")));
        await Eventually.True(() => informer.Store.TryGet(new ObjectKey("ns", "watched"), out _));
        await cts.CancelAsync();
        watch.TryComplete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(informer.Store.ListByNamespace("ns").Select(w => w.Metadata.ManagedFields), Is.All.Null);
    }

    [Test]
    public async Task Watch_error_event_with_410_status_triggers_relist()
    {
        var lw = new ScriptedListWatch<Widget>();
        lw.EnqueueList("10");
        lw.EnqueueList("30");
        var first = lw.NextWatch();
        lw.NextWatch();
        var informer = new Informer<Widget>(lw, time: new FakeTimeProvider());
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        first.TryWrite(new KubernetesException(new k8s.Models.V1Status { Code = 410, Reason = "Expired", Message = "too old resource version: 10 (25)" }));
        await Eventually.True(() => lw.WatchCalls.Count == 2);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(lw.WatchCalls.Last().ResourceVersion, Is.EqualTo("30"));
    }

    [Test]
    public async Task Resumes_from_last_resource_version_after_dropped_watch()
    {
        var lw = new ScriptedListWatch<Widget>();
        lw.EnqueueList("5", Widget.Make("ns", "a", "5"));
        var first = lw.NextWatch();
        var second = lw.NextWatch();
        var third = lw.NextWatch();
        var time = new FakeTimeProvider();
        var informer = new Informer<Widget>(lw, time: time);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // Server closes the watch after an event and a bookmark: re-watch from the bookmark, no re-list.
        first.TryWrite(Ev(WatchEventType.Added, Widget.Make("ns", "b", "6")));
        first.TryWrite(Ev(WatchEventType.Bookmark, new Widget { Metadata = new() { ResourceVersion = "8" } }));
        first.TryComplete();
        await Eventually.True(() => lw.WatchCalls.Count == 2);

        // Connection error: back off (time is fake), then re-watch from the last event's resourceVersion.
        second.TryWrite(Ev(WatchEventType.Modified, Widget.Make("ns", "a", "9")));
        second.TryWrite(new IOException("connection reset"));
        await Eventually.True(() => lw.WatchCalls.Count == 3, () => time.Advance(TimeSpan.FromSeconds(1)));

        await cts.CancelAsync();
        third.TryComplete();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(lw.ListCalls, Is.EqualTo(1));
            Assert.That(lw.WatchCalls.Select(c => c.ResourceVersion), Is.EqualTo(new[] { "5", "8", "9" }));
            Assert.That(informer.Store.Count, Is.EqualTo(2));
            Assert.That(informer.LastSuccessfulWatch, Is.Not.Null);
        });
    }

    [Test]
    public async Task List_failure_backs_off_and_retries()
    {
        var lw = new ScriptedListWatch<Widget>();
        lw.EnqueueListFailure(new IOException("apiserver down"));
        lw.EnqueueList("7", Widget.Make("ns", "a"));
        lw.NextWatch();
        var time = new SignalingTimeProvider();
        var informer = new Informer<Widget>(lw, time: time);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        // The failed list's backoff is the first timer the informer starts: once it waits on it, nothing else happens
        // until the clock moves.
        await time.TimerStarted(1).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(lw.ListCalls, Is.EqualTo(1));
            Assert.That(informer.HasSynced, Is.False);
        });
        time.Advance(TimeSpan.FromSeconds(1)); // past the first backoff: 800 ms ± 20 %
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(lw.ListCalls, Is.EqualTo(2));
    }

    [Test]
    public async Task One_list_watch_per_configured_namespace()
    {
        var lw = new ScriptedListWatch<Widget> { FilterListsByNamespace = true };
        lw.EnqueueList("1", Widget.Make("x", "a"));
        lw.EnqueueList("1", Widget.Make("y", "b"));
        lw.NextWatch();
        lw.NextWatch();
        var informer = new Informer<Widget>(lw, new InformerOptions { Namespaces = ["x", "y"] }, new FakeTimeProvider());
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => lw.WatchCalls.Count == 2);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(lw.WatchCalls.Select(c => c.Namespace).Order(), Is.EqualTo(new[] { "x", "y" }));
            Assert.That(informer.Store.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public void A_cache_serves_one_informer_and_refuses_a_second_of_the_same_kind()
    {
        var cache = new InformerCache<Widget>();
        var first = new Informer<Widget>(new ScriptedListWatch<Widget>(), time: new FakeTimeProvider());
        cache.Attach(first);

        Assert.Multiple(() =>
        {
            Assert.That(() => cache.Attach(first), Throws.Nothing, "attaching the same informer again changes nothing");
            Assert.That(() => cache.Attach(new Informer<Widget>(new ScriptedListWatch<Widget>(), time: new FakeTimeProvider())), Throws.InvalidOperationException);
        });
    }
}
