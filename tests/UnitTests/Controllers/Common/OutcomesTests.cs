using System.Net;
using ControllerRuntime;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Common.Setup;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Common;

/// <summary>Every reconciler's outcome becomes the runtime's result in one place, the Sandbox's with its outage's Retry-After.</summary>
[TestFixture]
public sealed class OutcomesTests
{
    [Test]
    public void Done_is_success_and_a_look_again_a_requeue_never_in_the_past()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReconcileOutcome.Done.ToResult(), Is.EqualTo(ReconcileResult.Success()));
            Assert.That(ReconcileOutcome.After(TimeSpan.FromMinutes(5)).ToResult(), Is.EqualTo(ReconcileResult.Requeue(TimeSpan.FromMinutes(5))));
            Assert.That(ReconcileOutcome.After(TimeSpan.FromSeconds(-3)).RequeueAfter, Is.EqualTo(TimeSpan.Zero));
            Assert.That(SandboxResult.Idle.ToResult(), Is.EqualTo(ReconcileResult.Success()));
            Assert.That(new SandboxResult { Released = true }.ToResult(), Is.EqualTo(ReconcileResult.Success()), "the runtime lets the finalizer go on success");
        });
    }

    [Test]
    public void A_failure_backs_off_at_least_as_long_as_it_asked()
    {
        var error = new InvalidOperationException("no");
        var outage = new NorthflankApiException(HttpStatusCode.TooManyRequests, "slow down", retryAfter: TimeSpan.FromSeconds(30));

        var failed = ReconcileOutcome.Failed(error, TimeSpan.FromSeconds(7)).ToResult();
        var sandbox = new SandboxResult { Error = outage }.ToResult();

        Assert.Multiple(() =>
        {
            Assert.That((failed.Error, failed.RetryAfter), Is.EqualTo((error, TimeSpan.FromSeconds(7))));
            Assert.That((sandbox.Error, sandbox.RetryAfter), Is.EqualTo((outage, TimeSpan.FromSeconds(30))));
        });
    }
}
