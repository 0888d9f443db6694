using k8s.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace ControllerRuntime.Tests;

[TestFixture]
public class LeaseFenceTests
{
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(10);
    private FakeTimeProvider time = null!;
    private LeaseFence fence = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        fence = new LeaseFence(RenewDeadline, time);
    }

    [TearDown]
    public void TearDown() => fence.Dispose();

    [Test]
    public void Is_not_held_before_the_first_renewal()
    {
        Assert.Multiple(() =>
        {
            Assert.That(fence.IsHeld, Is.False);
            Assert.That(fence.Token.IsCancellationRequested, Is.False, "nothing was lost yet");
            Assert.That(fence.ThrowIfLost, Throws.InstanceOf<LeadershipLostException>());
        });
    }

    [Test]
    public void Held_until_the_renew_deadline_counted_from_when_the_renewal_was_sent()
    {
        fence.Renewed(time.GetTimestamp());
        time.Advance(RenewDeadline - TimeSpan.FromMilliseconds(1));
        Assert.That(fence.IsHeld, Is.True);
        Assert.That(fence.ThrowIfLost, Throws.Nothing);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(fence.IsHeld, Is.False);
            Assert.That(fence.Token.IsCancellationRequested, Is.True);
            Assert.That(fence.ThrowIfLost, Throws.InstanceOf<LeadershipLostException>().With.Message.Contains("renew deadline"));
        });
    }

    [Test]
    public void Each_renewal_moves_the_deadline()
    {
        fence.Renewed(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(8));
        fence.Renewed(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.That(fence.IsHeld, Is.True, "16 s after the first renewal, 8 s after the second");

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(fence.IsHeld, Is.False);
    }

    [Test]
    public void The_timer_closes_the_fence_at_the_deadline_without_any_check()
    {
        var cancelled = false;
        using var registration = fence.Token.Register(() => cancelled = true);
        fence.Renewed(time.GetTimestamp());

        time.Advance(RenewDeadline);

        Assert.Multiple(() =>
        {
            Assert.That(cancelled, Is.True, "in-flight work linked to the token is cancelled");
            Assert.That(fence.LostReason, Does.Contain("renew deadline"));
        });
    }

    [Test]
    public void A_resumed_leader_is_fenced_at_its_first_check_before_any_timer_runs()
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
    public void A_renewal_reported_late_counts_from_when_it_was_sent()
    {
        var sent = time.GetTimestamp();
        time.Advance(RenewDeadline + TimeSpan.FromSeconds(1));

        fence.Renewed(sent);

        Assert.That(fence.IsHeld, Is.False);
    }

    [Test]
    public void Once_lost_it_stays_lost_even_if_a_renewal_succeeds_later()
    {
        fence.Renewed(time.GetTimestamp());
        fence.Lose("the elector stopped leading");
        fence.Renewed(time.GetTimestamp());

        Assert.Multiple(() =>
        {
            Assert.That(fence.IsHeld, Is.False);
            Assert.That(fence.LostReason, Is.EqualTo("the elector stopped leading"));
        });
    }

    [Test]
    public async Task The_lock_reports_only_successful_writes_timed_from_before_they_were_sent()
    {
        // Each write takes 3 s to answer; the deadline must count from the send, not from the answer.
        var inner = new SlowLock(time, TimeSpan.FromSeconds(3));
        var fencing = new FencingLock(inner, fence, time);

        inner.Succeeds = false;
        await fencing.CreateAsync(new LeaderElectionRecord());
        Assert.That(fence.IsHeld, Is.False, "a refused create is no leadership");

        inner.Succeeds = true;
        await fencing.UpdateAsync(new LeaderElectionRecord());
        Assert.That(fence.IsHeld, Is.True);
        time.Advance(RenewDeadline - TimeSpan.FromSeconds(3));
        Assert.That(fence.IsHeld, Is.False, "10 s after the update was sent, 7 s after it was answered");
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
