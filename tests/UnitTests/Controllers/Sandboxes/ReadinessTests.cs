using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;

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
}
