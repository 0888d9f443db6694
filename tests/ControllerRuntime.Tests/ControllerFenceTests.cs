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
    private FakeTimeProvider _time = null!;
    private LeaseFence _fence = null!;
    private BlockingController _user = null!;
    private ServiceProvider _services = null!;
    private Controller<Widget> _controller = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _fence = new LeaseFence(RenewDeadline, _time);
        _fence.Renewed(_time.GetTimestamp());
        _user = new BlockingController();
        _services = new ServiceCollection().AddSingleton<IEntityController<Widget>>(_user).BuildServiceProvider();
        var widget = Widget.Make("ns", "a", "1");
        var client = new FakeEntityClient();
        client.Objects[ObjectKey.Of(widget)] = widget;
        var listWatch = new ScriptedListWatch<Widget>();
        listWatch.EnqueueList("1", widget);
        listWatch.NextWatch();
        _controller = new Controller<Widget>(
            "widgets", listWatch, client, _services.GetRequiredService<IServiceScopeFactory>(),
            new ControllerOptions { Workers = 1, ShutdownTimeout = TimeSpan.FromSeconds(30) }, time: _time, fence: _fence);
    }

    [TearDown]
    public async Task TearDown()
    {
        _controller.Queue.Dispose();
        _fence.Dispose();
        await _services.DisposeAsync();
    }

    [Test]
    public async Task ALeaseThatLapsesCancelsTheInFlightReconcileAtOnce_AndStopsTheController()
    {
        var run = _controller.RunAsync(CancellationToken.None);
        var reconcileToken = await _user.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // No renewal for the renew deadline: the fence's timer closes it, nobody else says a word.
        _time.Advance(RenewDeadline);

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(reconcileToken.IsCancellationRequested, Is.True);
            Assert.That(_user.SawCancellation, Is.True, "the reconcile ended by its cancellation, not by finishing");
        });
    }

    [Test]
    public async Task LostLeadershipCancelsTheInFlightReconcile_WithoutWaitingForTheShutdownTimeout()
    {
        var run = _controller.RunAsync(CancellationToken.None);
        var reconcileToken = await _user.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        _fence.Lose("the elector stopped leading");

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(reconcileToken.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task AStopWhileLeadingLetsTheInFlightReconcileDrain()
    {
        using var stop = new CancellationTokenSource();
        var run = _controller.RunAsync(stop.Token);
        var reconcileToken = await _user.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stop.CancelAsync();
        await Eventually.True(() => _controller.Queue.IsShuttingDown);
        Assert.That(reconcileToken.IsCancellationRequested, Is.False, "draining, not cancelled");

        _user.Release.TrySetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(_user.SawCancellation, Is.False);
    }

    [Test]
    public async Task AWriteRefusedByTheFenceIsNotAFailureToBackOffFrom()
    {
        _user.Throw = new LeadershipLostException("not the leader");
        _controller.Informer.Replace("ns", [Widget.Make("ns", "a", "1")]);

        await _controller.ProcessAsync(new ObjectKey("ns", "a"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_controller.Queue.NumRequeues(new ObjectKey("ns", "a")), Is.Zero);
            Assert.That(_controller.Queue.DelayedCount, Is.Zero);
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
