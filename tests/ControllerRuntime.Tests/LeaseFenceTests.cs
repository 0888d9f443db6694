using k8s.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class LeaseFenceTests
{
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);
    private FakeTimeProvider _time = null!;
    private LeaseFence _fence = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _fence = new LeaseFence(RenewDeadline, _time);
    }

    [TearDown]
    public void TearDown() => _fence.Dispose();

    [Test]
    public void IsNotHeldBeforeTheFirstRenewal()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_fence.IsHeld, Is.False);
            Assert.That(_fence.Token.IsCancellationRequested, Is.False, "nothing was lost yet");
            Assert.That(_fence.ThrowIfLost, Throws.InstanceOf<LeadershipLostException>());
        });
    }

    [Test]
    public void HeldUntilTheRenewDeadlineCountedFromWhenTheRenewalWasSent()
    {
        _fence.Renewed(_time.GetTimestamp());
        _time.Advance(RenewDeadline - TimeSpan.FromMilliseconds(1));
        Assert.That(_fence.IsHeld, Is.True);
        Assert.That(_fence.ThrowIfLost, Throws.Nothing);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(_fence.IsHeld, Is.False);
            Assert.That(_fence.Token.IsCancellationRequested, Is.True);
            Assert.That(_fence.ThrowIfLost, Throws.InstanceOf<LeadershipLostException>().With.Message.Contains("renew deadline"));
        });
    }

    [Test]
    public void EachRenewalMovesTheDeadline()
    {
        _fence.Renewed(_time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(8));
        _fence.Renewed(_time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.That(_fence.IsHeld, Is.True, "16 s after the first renewal, 8 s after the second");

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(_fence.IsHeld, Is.False);
    }

    [Test]
    public void TheTimerClosesTheFenceAtTheDeadlineWithoutAnyCheck()
    {
        var cancelled = false;
        using var registration = _fence.Token.Register(() => cancelled = true);
        _fence.Renewed(_time.GetTimestamp());

        _time.Advance(RenewDeadline);

        Assert.Multiple(() =>
        {
            Assert.That(cancelled, Is.True, "in-flight work linked to the token is cancelled");
            Assert.That(_fence.LostReason, Does.Contain("renew deadline"));
        });
    }

    [Test]
    public void AResumedLeaderIsFencedAtItsFirstCheckBeforeAnyTimerRuns()
    {
        // A process frozen past its deadline: on resume, a worker may run before the timer callback does.
        var clock = new ClockWithoutTimers();
        using var fence = new LeaseFence(RenewDeadline, clock);
        fence.Renewed(clock.GetTimestamp());
        clock.Now += TimeSpan.FromSeconds(30);

        Assert.Multiple(() =>
        {
            Assert.That(fence.Token.IsCancellationRequested, Is.False, "nothing has noticed yet");
            Assert.That(fence.ThrowIfLost, Throws.InstanceOf<LeadershipLostException>());
            Assert.That(fence.Token.IsCancellationRequested, Is.True, "the check itself closed the fence");
        });
    }

    [Test]
    public void ARenewalReportedLateCountsFromWhenItWasSent()
    {
        var sent = _time.GetTimestamp();
        _time.Advance(RenewDeadline + TimeSpan.FromSeconds(1));

        _fence.Renewed(sent);

        Assert.That(_fence.IsHeld, Is.False);
    }

    [Test]
    public void OnceLostItStaysLostEvenIfARenewalSucceedsLater()
    {
        _fence.Renewed(_time.GetTimestamp());
        _fence.Lose("the elector stopped leading");
        _fence.Renewed(_time.GetTimestamp());

        Assert.Multiple(() =>
        {
            Assert.That(_fence.IsHeld, Is.False);
            Assert.That(_fence.LostReason, Is.EqualTo("the elector stopped leading"));
        });
    }

    [Test]
    public async Task TheLockReportsOnlySuccessfulWritesTimedFromBeforeTheyWereSent()
    {
        // Each write takes 3 s to answer; the deadline must count from the send, not from the answer.
        var inner = new SlowLock(_time, TimeSpan.FromSeconds(3));
        var fencing = new FencingLock(inner, _fence, _time);

        inner.Succeeds = false;
        await fencing.CreateAsync(new LeaderElectionRecord());
        Assert.That(_fence.IsHeld, Is.False, "a refused create is no leadership");

        inner.Succeeds = true;
        await fencing.UpdateAsync(new LeaderElectionRecord());
        Assert.That(_fence.IsHeld, Is.True);
        _time.Advance(RenewDeadline - TimeSpan.FromSeconds(3));
        Assert.That(_fence.IsHeld, Is.False, "10 s after the update was sent, 7 s after it was answered");
    }

    private sealed class SlowLock(FakeTimeProvider time, TimeSpan latency) : ILock
    {
        public bool Succeeds { get; set; }

        public string Identity => "me";

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(new LeaderElectionRecord());

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Answer();

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => Answer();

        public string Describe() => "ns/lease";

        private Task<bool> Answer()
        {
            time.Advance(latency);
            return Task.FromResult(Succeeds);
        }
    }

    /// <summary>A clock whose timers never fire: what a worker sees when it runs before the timer callbacks.</summary>
    private sealed class ClockWithoutTimers : TimeProvider
    {
        public TimeSpan Now { get; set; } = TimeSpan.FromHours(1);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverFires();

        private sealed class NeverFires : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
