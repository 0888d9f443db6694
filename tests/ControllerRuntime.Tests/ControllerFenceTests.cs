using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

/// <summary>
/// A controller under leader election: losing the lease cancels in-flight reconciles at once, while a stop of the
/// process lets them drain. The ShutdownTimeout runs on a fake clock that is never advanced past it, so a controller
/// that waited for it would never return.
/// </summary>
[TestFixture]
public class ControllerFenceTests
{
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);
    private FakeTimeProvider time = null!;
    private LeaseFence fence = null!;
    private BlockingController user = null!;
    private ServiceProvider services = null!;
    private Controller<Widget> controller = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        fence = new LeaseFence(RenewDeadline, time);
        fence.Renewed(time.GetTimestamp());
        user = new BlockingController();
        services = new ServiceCollection().AddSingleton<IEntityController<Widget>>(user).BuildServiceProvider();
        var widget = Widget.Make("ns", "a", "1");
        var client = new FakeEntityClient();
        client.Objects[ObjectKey.Of(widget)] = widget;
        var listWatch = new ScriptedListWatch<Widget>();
        listWatch.EnqueueList("1", widget);
        listWatch.NextWatch();
        controller = new Controller<Widget>(
            "widgets", listWatch, client, services.GetRequiredService<IServiceScopeFactory>(),
            new ControllerOptions { Workers = 1, ShutdownTimeout = TimeSpan.FromSeconds(30) }, time: time, fence: fence);
    }

    [TearDown]
    public async Task TearDown()
    {
        controller.Queue.Dispose();
        fence.Dispose();
        await services.DisposeAsync();
    }

    [Test]
    public async Task A_lease_that_lapses_cancels_the_in_flight_reconcile_at_once_and_stops_the_controller()
    {
        var run = controller.RunAsync(CancellationToken.None);
        var reconcileToken = await user.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // No renewal for the renew deadline: the fence's timer closes it, nobody else says a word.
        time.Advance(RenewDeadline);

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(reconcileToken.IsCancellationRequested, Is.True);
            Assert.That(user.SawCancellation, Is.True, "the reconcile ended by its cancellation, not by finishing");
        });
    }

    [Test]
    public async Task Lost_leadership_cancels_the_in_flight_reconcile_without_waiting_for_the_shutdown_timeout()
    {
        var run = controller.RunAsync(CancellationToken.None);
        var reconcileToken = await user.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        fence.Lose("the elector stopped leading");

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(reconcileToken.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task A_stop_while_leading_lets_the_in_flight_reconcile_drain()
    {
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);
        var reconcileToken = await user.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stop.CancelAsync();
        await Eventually.True(() => controller.Queue.IsShuttingDown);
        Assert.That(reconcileToken.IsCancellationRequested, Is.False, "draining, not cancelled");

        user.Release.TrySetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(user.SawCancellation, Is.False);
    }

    [Test]
    public async Task A_write_refused_by_the_fence_is_not_a_failure_to_back_off_from()
    {
        user.Throw = new LeadershipLostException("not the leader");
        controller.Informer.Replace("ns", [Widget.Make("ns", "a", "1")]);

        await controller.ProcessAsync(new ObjectKey("ns", "a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(controller.Queue.NumRequeues(new ObjectKey("ns", "a")), Is.Zero);
            Assert.That(controller.Queue.DelayedCount, Is.Zero);
        });
    }

    /// <summary>Its reconcile waits until released or cancelled, and says which.</summary>
    private sealed class BlockingController : IEntityController<Widget>
    {
        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Throw { get; set; }

        public bool SawCancellation { get; private set; }

        public async Task<ReconcileResult> ReconcileAsync(Widget entity, CancellationToken ct)
        {
            if (Throw is not null)
            {
                throw Throw;
            }

            Started.TrySetResult(ct);
            try
            {
                await Release.Task.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                SawCancellation = true;
                throw;
            }

            return ReconcileResult.Success();
        }

        public Task DeletedAsync(Widget entity, CancellationToken ct) => Task.CompletedTask;
    }
}
