using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class WorkQueueTests
{
    private FakeTimeProvider time = null!;
    private WorkQueue<string> queue = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        queue = new WorkQueue<string>(new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromMinutes(5), Jitter = 0.1 }, time);
    }

    [TearDown]
    public void TearDown() => queue.Dispose();

    [Test]
    public async Task Duplicates_collapse()
    {
        queue.Add("ns/a");
        queue.Add("ns/a");
        queue.Add("ns/b");
        queue.Add("ns/a");
        Assert.That(queue.Count, Is.EqualTo(2));
        var (first, _) = await queue.GetAsync(CancellationToken.None);
        var (second, _) = await queue.GetAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, second }, Is.EqualTo(new[] { "ns/a", "ns/b" }));
            Assert.That(queue.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Prioritized_items_go_first_each_kind_in_its_own_order()
    {
        queue.Add("ns/new-1");
        queue.Add("ns/new-2");
        queue.Add("ns/woken-1", priority: true);
        queue.Add("ns/new-3");
        queue.Add("ns/woken-2", priority: true);
        queue.Add("ns/new-2", priority: true); // already waiting: moves ahead of the others, once
        queue.Add("ns/new-2", priority: true);

        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            order.Add((await queue.GetAsync(CancellationToken.None)).Item);
        }

        Assert.That(order, Is.EqualTo(new[] { "ns/woken-1", "ns/woken-2", "ns/new-2", "ns/new-1", "ns/new-3" }));
        Assert.That(queue.Count, Is.Zero);
    }

    [Test]
    public async Task Prioritized_add_while_processing_is_requeued_with_priority()
    {
        queue.Add("ns/a");
        var (a, _) = await queue.GetAsync(CancellationToken.None);
        queue.Add("ns/b");
        queue.Add("ns/a", priority: true);
        queue.Done(a);

        var (next, _) = await queue.GetAsync(CancellationToken.None);
        Assert.That(next, Is.EqualTo("ns/a"));
        queue.Done(next);
        queue.Add("ns/a");
        queue.Add("ns/c");
        var (b, _) = await queue.GetAsync(CancellationToken.None);
        Assert.That(b, Is.EqualTo("ns/b"), "priority does not outlive the hand-out");
    }

    [Test]
    public async Task Add_while_processing_is_requeued_after_done()
    {
        queue.Add("ns/a");
        var (item, _) = await queue.GetAsync(CancellationToken.None);
        queue.Add("ns/a");
        queue.Add("ns/a");
        Assert.That(queue.Count, Is.Zero, "a key being processed must not be handed out again");
        queue.Done(item);
        Assert.That(queue.Count, Is.EqualTo(1));
        var (again, shuttingDown) = await queue.GetAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo("ns/a"));
            Assert.That(shuttingDown, Is.False);
        });
        queue.Done(again);
        Assert.That(queue.Count, Is.Zero, "one re-queue for several adds while processing");
    }

    [Test]
    public void Waiting_get_receives_later_add()
    {
        var pending = queue.GetAsync(CancellationToken.None);
        Assert.That(pending.IsCompleted, Is.False);
        queue.Add("ns/a");
        Assert.That(pending.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(pending.Result.Item, Is.EqualTo("ns/a"));
    }

    [Test]
    public void Add_after_earliest_wins()
    {
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(2));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.That(queue.Count, Is.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(queue.Count, Is.EqualTo(1));
        Assert.That(queue.DelayedCount, Is.Zero, "later delays were superseded by the earliest");
    }

    [Test]
    public void Add_after_keeps_earlier_when_later_requested()
    {
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(2));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(queue.Count, Is.EqualTo(1));
    }

    [Test]
    public void Backoff_grows_exponentially_within_jitter_and_caps()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var delay = queue.NextBackoff("ns/a").TotalMilliseconds;
            var nominal = Math.Min(200 * Math.Pow(2, attempt), 300_000);
            Assert.That(delay, Is.InRange(nominal * 0.9, Math.Min(300_000, nominal * 1.1)), $"attempt {attempt}");
        }

        Assert.That(queue.NumRequeues("ns/a"), Is.EqualTo(20));
    }

    [Test]
    public void Forget_resets_backoff()
    {
        for (var i = 0; i < 6; i++)
        {
            queue.NextBackoff("ns/a");
        }

        queue.Forget("ns/a");
        Assert.Multiple(() =>
        {
            Assert.That(queue.NumRequeues("ns/a"), Is.Zero);
            Assert.That(queue.NextBackoff("ns/a").TotalMilliseconds, Is.InRange(180, 220));
        });
    }

    [Test]
    public void Rate_limited_add_honours_retry_after_floor()
    {
        var delay = queue.AddRateLimited("ns/a", TimeSpan.FromSeconds(30));
        Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(queue.Count, Is.Zero);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(queue.Count, Is.EqualTo(1));
    }

    [Test]
    public void Rate_limited_add_uses_backoff_when_above_floor()
    {
        for (var i = 0; i < 10; i++)
        {
            queue.NextBackoff("ns/a");
        }

        var delay = queue.AddRateLimited("ns/a", TimeSpan.FromSeconds(1));
        Assert.That(delay.TotalMilliseconds, Is.GreaterThan(150_000), "backoff 200ms*2^10 exceeds the floor");
    }

    [Test]
    public async Task Shutdown_stops_handing_out_and_drains_in_flight()
    {
        queue.Add("ns/a");
        queue.Add("ns/b");
        var (item, _) = await queue.GetAsync(CancellationToken.None);
        var drain = queue.ShutDownWithDrainAsync(TimeSpan.FromSeconds(30));
        Assert.That(drain.IsCompleted, Is.False, "an item is still in flight");
        var (_, shuttingDown) = await queue.GetAsync(CancellationToken.None);
        Assert.That(shuttingDown, Is.True, "no new work after shutdown");
        queue.Add("ns/c");
        Assert.That(queue.Count, Is.Zero);
        queue.Done(item);
        Assert.That(await drain.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
    }

    [Test]
    public async Task Shutdown_drain_times_out()
    {
        queue.Add("ns/a");
        await queue.GetAsync(CancellationToken.None);
        var drain = queue.ShutDownWithDrainAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await drain.WaitAsync(TimeSpan.FromSeconds(10)), Is.False);
    }

    [Test]
    public async Task Shutdown_releases_waiting_workers()
    {
        var waiting = queue.GetAsync(CancellationToken.None);
        queue.ShutDown();
        var (_, shuttingDown) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(shuttingDown, Is.True);
    }

    [Test]
    public async Task Never_hands_one_key_to_two_workers_at_once()
    {
        using var queue = new WorkQueue<string>(new WorkQueueOptions(), TimeProvider.System);
        var inUse = new ConcurrentDictionary<string, byte>();
        var violations = 0;
        var processed = 0;
        var keys = Enumerable.Range(0, 8).Select(i => $"ns/k{i}").ToArray();

        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            var random = new Random(p);
            for (var i = 0; i < 5000; i++)
            {
                queue.Add(keys[random.Next(keys.Length)]);
                if (i % 64 == 0)
                {
                    Thread.Yield();
                }
            }
        })).ToArray();

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (true)
            {
                var (key, shuttingDown) = await queue.GetAsync(CancellationToken.None);
                if (shuttingDown)
                {
                    return;
                }

                if (!inUse.TryAdd(key, (byte)0))
                {
                    Interlocked.Increment(ref violations);
                }

                Thread.SpinWait(200);
                Interlocked.Increment(ref processed);
                inUse.TryRemove(key, out _);
                queue.Done(key);
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((queue.Count > 0 || queue.ProcessingCount > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(queue.Count + queue.ProcessingCount, Is.Zero, "every added key is eventually processed");
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(violations, Is.Zero);
            Assert.That(processed, Is.GreaterThanOrEqualTo(keys.Length));
        });
    }
}
