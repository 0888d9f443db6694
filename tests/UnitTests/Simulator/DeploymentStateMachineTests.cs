using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class DeploymentStateMachineTests
{
    private static readonly DeploymentOptions Timing = new()
    {
        PendingDuration = TimeSpan.FromSeconds(1),
        InProgressDuration = TimeSpan.FromSeconds(3),
    };

    private readonly DateTimeOffset start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Goes_pending_then_in_progress_then_completed_at_the_configured_boundaries()
    {
        var rollout = DeploymentStateMachine.Start(start, DeploymentReason.Deploying, "nginx:1", 1, Timing);

        Assert.Multiple(() =>
        {
            Assert.That(Phase(rollout, TimeSpan.Zero), Is.EqualTo(DeploymentPhase.Pending));
            Assert.That(Phase(rollout, TimeSpan.FromMilliseconds(999)), Is.EqualTo(DeploymentPhase.Pending));
            Assert.That(Phase(rollout, TimeSpan.FromSeconds(1)), Is.EqualTo(DeploymentPhase.InProgress));
            Assert.That(Phase(rollout, TimeSpan.FromMilliseconds(3999)), Is.EqualTo(DeploymentPhase.InProgress));
            Assert.That(Phase(rollout, TimeSpan.FromSeconds(4)), Is.EqualTo(DeploymentPhase.Completed));
        });
    }

    [Test]
    public void Last_transition_time_is_when_the_current_phase_began()
    {
        var rollout = DeploymentStateMachine.Start(start, DeploymentReason.Scaling, "nginx:1", 1, Timing);

        var status = DeploymentStateMachine.Evaluate(rollout, start + TimeSpan.FromSeconds(10), Timing);

        Assert.That(status.LastTransitionTime, Is.EqualTo(start + TimeSpan.FromSeconds(4)));
        Assert.That(status.ReasonName, Is.EqualTo("SCALING"));
    }

    [Test]
    public void An_image_that_cannot_be_pulled_ends_failed_with_a_message()
    {
        var rollout = DeploymentStateMachine.Start(start, DeploymentReason.Deploying, "example/does-not-exist:1", 1, Timing);

        var status = DeploymentStateMachine.Evaluate(rollout, start + TimeSpan.FromSeconds(4), Timing);

        Assert.That(status.PhaseName, Is.EqualTo("FAILED"));
        Assert.That(status.Message, Does.Contain("does-not-exist"));
    }

    [Test]
    public void No_instances_means_no_pull_so_no_failure()
    {
        var rollout = DeploymentStateMachine.Start(start, DeploymentReason.Scaling, "example/does-not-exist:1", 0, Timing);

        Assert.That(Phase(rollout, TimeSpan.FromSeconds(4)), Is.EqualTo(DeploymentPhase.Completed));
    }

    [Test]
    public void A_predicate_overrides_the_substring_list()
    {
        var timing = new DeploymentOptions { IsImagePullable = image => !image.StartsWith("private/", StringComparison.Ordinal) };

        Assert.Multiple(() =>
        {
            Assert.That(timing.CanPull("private/app:1"), Is.False);
            Assert.That(timing.CanPull("example/does-not-exist:1"), Is.True);
        });
    }

    [Test]
    public void Service_status_follows_the_injected_clock()
    {
        var clock = new FakeTimeProvider(start);
        var store = new SimulatorStore(new SimulatorOptions { Deployment = Timing }, clock);
        store.CreateService(SimulatorOptions.DefaultProjectId, StoreTests.Service("clocked"), upsert: false);

        Assert.That(Status(store), Is.EqualTo("PENDING"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(Status(store), Is.EqualTo("IN_PROGRESS"));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.That(Status(store), Is.EqualTo("COMPLETED"));

        static string Status(SimulatorStore store) => store.FindService(SimulatorOptions.DefaultProjectId, "clocked")!.Status;
    }

    private DeploymentPhase Phase(Rollout rollout, TimeSpan after) =>
        DeploymentStateMachine.Evaluate(rollout, start + after, Timing).Phase;
}
