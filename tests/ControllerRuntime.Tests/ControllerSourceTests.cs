using Microsoft.Extensions.DependencyInjection;

namespace ControllerRuntime.Tests;

[TestFixture]
public class ControllerSourceTests
{
    [Test]
    public async Task A_source_enqueues_keys_once_caches_have_synced_and_is_restarted_after_failing()
    {
        var widget = Widget.Make("ns", "a", "1", RecordingController.FinalizerId);
        var client = new FakeEntityClient();
        client.Objects[ObjectKey.Of(widget)] = widget;
        var listWatch = new ScriptedListWatch<Widget>();
        listWatch.EnqueueList("1", widget);
        listWatch.NextWatch();
        var firstReconcile = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var user = new RecordingController
        {
            OnReconcile = _ =>
            {
                firstReconcile.TrySetResult();
                return ReconcileResult.Success();
            },
        };
        await using var services = new ServiceCollection()
            .AddSingleton<IEntityController<Widget>>(user)
            .BuildServiceProvider();
        var controller = new Controller<Widget>(
            "widgets", listWatch, client, services.GetRequiredService<IServiceScopeFactory>(),
            new ControllerOptions { Workers = 1, QueueBaseDelay = TimeSpan.FromMilliseconds(1) });
        var source = new FlakySource(new ObjectKey("ns", "a"), () => controller.Informer.HasSynced, firstReconcile.Task);
        controller.AddSource(source);

        using var cts = new CancellationTokenSource();
        var run = controller.RunAsync(cts.Token);
        await Eventually.True(() => Count(user) >= 2);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(source.Starts, Is.EqualTo(2), "the failed run was started again");
            Assert.That(source.SawSyncedCache, Is.True, "a source starts only after the caches synced");
            Assert.That(Count(user), Is.EqualTo(2), "the list's Added event, then the source's key");
        });

        static int Count(RecordingController user)
        {
            lock (user.Calls)
            {
                return user.Calls.Count;
            }
        }
    }

    /// <summary>
    /// Fails on its first run; on its second, once the first reconcile has begun, enqueues its key once and waits to be
    /// stopped.
    /// </summary>
    private sealed class FlakySource(ObjectKey key, Func<bool> cacheSynced, Task firstReconcile) : IKeySource
    {
        private int starts;

        public int Starts => Volatile.Read(ref starts);

        public bool SawSyncedCache { get; private set; } = true;

        public async Task RunAsync(Action<ObjectKey> enqueue, CancellationToken ct)
        {
            SawSyncedCache &= cacheSynced();
            if (Interlocked.Increment(ref starts) == 1)
            {
                throw new InvalidOperationException("first run fails");
            }

            // The key of the informer's Added event is being reconciled now: this add cannot merge with it in the queue
            // (an item added while in process is queued again when done), so the two reconciles are counted apart.
            await firstReconcile.WaitAsync(ct);
            enqueue(key);
            await Task.Delay(Timeout.Infinite, ct);
        }
    }
}
