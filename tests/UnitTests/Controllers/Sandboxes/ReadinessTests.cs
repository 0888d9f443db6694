using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class ReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);

    private static DesiredState Desired(Action<SandboxSpec>? configure = null) =>
        DesiredState.Build(SandboxFactory.New(configure: configure), DesiredStateTests.Inputs(), "prod", Now);

    [TestCase(DeploymentStates.Completed, "True", ReadyReasons.Available)]
    [TestCase(DeploymentStates.InProgress, "False", ReadyReasons.Deploying)]
    [TestCase(DeploymentStates.Pending, "False", ReadyReasons.Deploying)]
    [TestCase(DeploymentStates.Failed, "False", ReadyReasons.DeploymentFailed)]
    public void Running_sandbox_is_ready_only_when_its_deployment_completed(string state, string status, string reason)
    {
        var desired = Desired();

        var verdict = Readiness.Evaluate(desired, SandboxPlannerTests.ServiceFor(desired, state), []);

        Assert.That((verdict.Status, verdict.Reason), Is.EqualTo((status, reason)));
    }

    [Test]
    public void A_write_in_this_reconcile_means_not_ready_yet_even_if_Northflank_still_says_completed()
    {
        var desired = Desired();
        var service = SandboxPlannerTests.ServiceFor(desired);

        Assert.That(Readiness.Evaluate(desired, service, [new ApplyService(false, "spec changed")]).Reason, Is.EqualTo(ReadyReasons.Deploying));
        Assert.That(Readiness.Evaluate(desired, null, [new ApplyService(true, "new")]).Reason, Is.EqualTo(ReadyReasons.Creating));
        Assert.That(Readiness.Evaluate(desired, service, [new ResumeService()]).Reason, Is.EqualTo(ReadyReasons.Resuming));
    }

    [TestCase(DeploymentReasons.Scaling, ReadyReasons.Resuming)]
    [TestCase(DeploymentReasons.Deploying, ReadyReasons.Deploying)]
    public void A_resumed_service_s_scaling_deployment_is_Resuming_not_Deploying(string deploymentReason, string readyReason)
    {
        var desired = Desired();
        var service = SandboxPlannerTests.ServiceFor(desired, DeploymentStates.InProgress);
        service = service with { Status = new ServiceStatus { Deployment = service.Status!.Deployment! with { Reason = deploymentReason } } };

        Assert.That(Readiness.Evaluate(desired, service, []).Reason, Is.EqualTo(readyReason));
    }

    [Test]
    public void Paused_as_asked_is_ready_and_paused_by_expiry_is_not()
    {
        var paused = Desired(s => s.OperatingMode = OperatingModes.Paused);
        var expired = Desired(s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = Now.AddSeconds(-1), ShutdownPolicy = ShutdownPolicies.Pause });

        var pausedVerdict = Readiness.Evaluate(paused, SandboxPlannerTests.ServiceFor(paused, paused: true), []);
        var expiredVerdict = Readiness.Evaluate(expired, SandboxPlannerTests.ServiceFor(expired, paused: true), []);
        var stillRunning = Readiness.Evaluate(paused, SandboxPlannerTests.ServiceFor(paused), []);

        Assert.Multiple(() =>
        {
            Assert.That((pausedVerdict.Status, pausedVerdict.Reason), Is.EqualTo(("True", ReadyReasons.Paused)));
            Assert.That((expiredVerdict.Status, expiredVerdict.Reason), Is.EqualTo(("False", ReadyReasons.Expired)));
            Assert.That(stillRunning.Reason, Is.EqualTo(ReadyReasons.Pausing));
        });
    }

    [Test]
    public void A_failed_deployment_says_why_and_what_its_containers_report()
    {
        var desired = Desired();
        var service = SandboxPlannerTests.ServiceFor(desired, DeploymentStates.Failed) with
        {
            Status = new ServiceStatus { Deployment = new DeploymentStatus { Status = DeploymentStates.Failed, Reason = "DEPLOYING" } },
        };

        var bare = Readiness.Evaluate(desired, SandboxPlannerTests.ServiceFor(desired, DeploymentStates.Failed), []);
        var explained = Readiness.Evaluate(desired, service, [], containers: "1 TASK_FAILED");

        Assert.Multiple(() =>
        {
            Assert.That(bare.Message, Is.EqualTo("Northflank deployment failed; fix the spec (image, command, plan) to retry"));
            Assert.That(explained.Message, Is.EqualTo("Northflank deployment failed (DEPLOYING); containers: 1 TASK_FAILED; fix the spec (image, command, plan) to retry"));
        });
    }

    [Test]
    public void Each_verdict_tells_the_user_what_the_sandbox_is_doing()
    {
        var desired = Desired();
        var paused = Desired(s => s.OperatingMode = OperatingModes.Paused);
        var expired = Desired(s => s.Lifecycle = new SandboxLifecycle { ShutdownTime = Now.AddSeconds(-1), ShutdownPolicy = ShutdownPolicies.Pause });
        var service = SandboxPlannerTests.ServiceFor(desired);

        Assert.Multiple(() =>
        {
            Assert.That(Readiness.Evaluate(desired, null, []).Message, Is.EqualTo("creating the Northflank service"));
            Assert.That(Readiness.Evaluate(paused, service, [new PauseService()]).Message, Is.EqualTo("pausing the service"));
            Assert.That(Readiness.Evaluate(desired, service, [new ResumeService()]).Message, Is.EqualTo("resuming the service"));
            Assert.That(Readiness.Evaluate(paused, service, []).Message, Is.EqualTo("waiting for the service to scale to zero"));
            Assert.That(Readiness.Evaluate(paused, SandboxPlannerTests.ServiceFor(paused, paused: true), []).Message, Is.EqualTo("paused as asked"));
            Assert.That(
                Readiness.Evaluate(expired, SandboxPlannerTests.ServiceFor(expired, paused: true), []).Message,
                Is.EqualTo("expired at 2026-11-23T10:59:59.0000000+00:00; paused as spec.lifecycle.shutdownPolicy asks"));
            Assert.That(Readiness.Evaluate(desired, service, []).Message, Is.EqualTo("running; deployment COMPLETED"));
            Assert.That(Readiness.Evaluate(desired, SandboxPlannerTests.ServiceFor(desired, DeploymentStates.InProgress), []).Message, Is.EqualTo("deployment IN_PROGRESS"));
        });
    }

    [Test]
    public void A_service_paused_on_Northflank_but_asked_to_run_is_resuming()
    {
        var desired = Desired();

        var verdict = Readiness.Evaluate(desired, SandboxPlannerTests.ServiceFor(desired, paused: true), []);

        Assert.That((verdict.Status, verdict.Reason, verdict.Message), Is.EqualTo(("False", ReadyReasons.Resuming, "waiting for the service to resume")));
    }

    [Test]
    public void Containers_are_summed_up_by_state_most_common_first_at_most_four_states()
    {
        static ServiceContainer C(string status) => new() { Name = "c", Status = status };
        var longState = new string('X', 40);
        IReadOnlyList<ServiceContainer> containers =
        [
            C("TASK_RUNNING"), C("TASK_FAILED"), C("TASK_FAILED"), C("TASK_KILLED"), C("TASK_STAGING"), C(longState),
        ];

        Assert.Multiple(() =>
        {
            Assert.That(Readiness.DescribeContainers(containers), Is.EqualTo($"2 TASK_FAILED, 1 TASK_KILLED, 1 TASK_RUNNING, 1 TASK_STAGING"));
            Assert.That(Readiness.DescribeContainers([C(longState)]), Is.EqualTo($"1 {new string('X', 32)}"), "a state name is bounded");
            Assert.That(Readiness.DescribeContainers([]), Is.EqualTo("none running"));
        });
    }
}
