using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class WorkQueueTests
{
    private FakeTimeProvider _time = null!;
    private WorkQueue<string> _queue = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _queue = new WorkQueue<string>(new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromMinutes(5), Jitter = 0.1 }, _time);
    }

    [TearDown]
    public void TearDown() => _queue.Dispose();

    [Test]
    public async Task DuplicatesCollapse()
    {
        _queue.Add("ns/a");
        _queue.Add("ns/a");
        _queue.Add("ns/b");
        _queue.Add("ns/a");
        Assert.That(_queue.Count, Is.EqualTo(2));
        var (first, _) = await _queue.GetAsync(CancellationToken.None);
        var (second, _) = await _queue.GetAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, second }, Is.EqualTo(new[] { "ns/a", "ns/b" }));
            Assert.That(_queue.Count, Is.Zero);
        });
    }

    [Test]
    public async Task PrioritizedItemsGoFirstEachKindInItsOwnOrder()
    {
        _queue.Add("ns/new-1");
        _queue.Add("ns/new-2");
        _queue.Add("ns/woken-1", priority: true);
        _queue.Add("ns/new-3");
        _queue.Add("ns/woken-2", priority: true);
        _queue.Add("ns/new-2", priority: true); // already waiting: moves ahead of the others, once
        _queue.Add("ns/new-2", priority: true);

        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            order.Add((await _queue.GetAsync(CancellationToken.None)).Item);
        }

        Assert.That(order, Is.EqualTo(new[] { "ns/woken-1", "ns/woken-2", "ns/new-2", "ns/new-1", "ns/new-3" }));
        Assert.That(_queue.Count, Is.Zero);
    }

    [Test]
    public async Task PrioritizedAddWhileProcessingIsRequeuedWithPriority()
    {
        _queue.Add("ns/a");
        var (a, _) = await _queue.GetAsync(CancellationToken.None);
        _queue.Add("ns/b");
        _queue.Add("ns/a", priority: true);
        _queue.Done(a);

        var (next, _) = await _queue.GetAsync(CancellationToken.None);
        Assert.That(next, Is.EqualTo("ns/a"));
        _queue.Done(next);
        _queue.Add("ns/a");
        _queue.Add("ns/c");
        var (b, _) = await _queue.GetAsync(CancellationToken.None);
        Assert.That(b, Is.EqualTo("ns/b"), "priority does not outlive the hand-out");
    }

    [Test]
    public async Task AddWhileProcessingIsRequeuedAfterDone()
    {
        _queue.Add("ns/a");
        var (item, _) = await _queue.GetAsync(CancellationToken.None);
        _queue.Add("ns/a");
        _queue.Add("ns/a");
        Assert.That(_queue.Count, Is.Zero, "a key being processed must not be handed out again");
        _queue.Done(item);
        Assert.That(_queue.Count, Is.EqualTo(1));
        var (again, shuttingDown) = await _queue.GetAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo("ns/a"));
            Assert.That(shuttingDown, Is.False);
        });
        _queue.Done(again);
        Assert.That(_queue.Count, Is.Zero, "one re-queue for several adds while processing");
    }

    [Test]
    public void WaitingGetReceivesLaterAdd()
    {
        var pending = _queue.GetAsync(CancellationToken.None);
        Assert.That(pending.IsCompleted, Is.False);
        _queue.Add("ns/a");
        Assert.That(pending.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(pending.Result.Item, Is.EqualTo("ns/a"));
    }

    [Test]
    public void AddAfterEarliestWins()
    {
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(2));
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.That(_queue.Count, Is.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(_queue.Count, Is.EqualTo(1));
        Assert.That(_queue.DelayedCount, Is.Zero, "later delays were superseded by the earliest");
    }

    [Test]
    public void AddAfterKeepsEarlierWhenLaterRequested()
    {
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(2));
        _queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(_queue.Count, Is.EqualTo(1));
    }

    [Test]
    public void BackoffGrowsExponentiallyWithinJitterAndCaps()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var delay = _queue.NextBackoff("ns/a").TotalMilliseconds;
            var nominal = Math.Min(200 * Math.Pow(2, attempt), 300_000);
            Assert.That(delay, Is.InRange(nominal * 0.9, Math.Min(300_000, nominal * 1.1)), $"attempt {attempt}");
        }

        Assert.That(_queue.NumRequeues("ns/a"), Is.EqualTo(20));
    }

    [Test]
    public void ForgetResetsBackoff()
    {
        for (var i = 0; i < 6; i++)
        {
            _queue.NextBackoff("ns/a");
        }

        _queue.Forget("ns/a");
        Assert.Multiple(() =>
        {
            Assert.That(_queue.NumRequeues("ns/a"), Is.Zero);
            Assert.That(_queue.NextBackoff("ns/a").TotalMilliseconds, Is.InRange(180, 220));
        });
    }

    [Test]
    public void RateLimitedAddHonoursRetryAfterFloor()
    {
        var delay = _queue.AddRateLimited("ns/a", TimeSpan.FromSeconds(30));
        Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(30)));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(_queue.Count, Is.Zero);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_queue.Count, Is.EqualTo(1));
    }

    [Test]
    public void RateLimitedAddUsesBackoffWhenAboveFloor()
    {
        for (var i = 0; i < 10; i++)
        {
            _queue.NextBackoff("ns/a");
        }

        var delay = _queue.AddRateLimited("ns/a", TimeSpan.FromSeconds(1));
        Assert.That(delay.TotalMilliseconds, Is.GreaterThan(150_000), "backoff 200ms*2^10 exceeds the floor");
    }

    [Test]
    public async Task ShutdownStopsHandingOutAndDrainsInFlight()
    {
        _queue.Add("ns/a");
        _queue.Add("ns/b");
        var (item, _) = await _queue.GetAsync(CancellationToken.None);
        var drain = _queue.ShutDownWithDrainAsync(TimeSpan.FromSeconds(30));
        Assert.That(drain.IsCompleted, Is.False, "an item is still in flight");
        var (_, shuttingDown) = await _queue.GetAsync(CancellationToken.None);
        Assert.That(shuttingDown, Is.True, "no new work after shutdown");
        _queue.Add("ns/c");
        Assert.That(_queue.Count, Is.Zero);
        _queue.Done(item);
        Assert.That(await drain.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
    }

    [Test]
    public async Task ShutdownDrainTimesOut()
    {
        _queue.Add("ns/a");
        await _queue.GetAsync(CancellationToken.None);
        var drain = _queue.ShutDownWithDrainAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await drain.WaitAsync(TimeSpan.FromSeconds(10)), Is.False);
    }

    [Test]
    public async Task ShutdownReleasesWaitingWorkers()
    {
        var waiting = _queue.GetAsync(CancellationToken.None);
        _queue.ShutDown();
        var (_, shuttingDown) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(shuttingDown, Is.True);
    }

    [Test]
    public async Task NeverHandsOneKeyToTwoWorkersAtOnce()
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
