using System.Net;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class ExternalResultTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 11, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_429_from_Northflank_is_throttled_until_the_token_is_served_again_and_says_so()
    {
        var e = new NorthflankApiException(HttpStatusCode.TooManyRequests, "rate limit exceeded.") { ServedAt = Now.AddSeconds(20) };

        var result = ExternalResult.Failed(e, Observation.Nothing);

        Assert.Multiple(() =>
        {
            Assert.That((result.Status, result.Reason), Is.EqualTo((ExternalStatus.Throttled, SyncedReasons.Throttled)));
            Assert.That(result.Message, Is.EqualTo("Northflank answered 429 (rate limit exceeded)"));
            Assert.That(result.ServedAt, Is.EqualTo(Now.AddSeconds(20)));
        });
    }

    [Test]
    public void A_request_the_budget_put_off_is_throttled_with_the_budgets_own_words_not_a_429()
    {
        var e = new NorthflankApiException(null, "token budget: next request at 11:00:20", NorthflankApiException.DeferredErrorId) { ServedAt = Now.AddSeconds(20) };

        var result = ExternalResult.Failed(e, Observation.Nothing);

        Assert.That((result.Status, result.Message), Is.EqualTo((ExternalStatus.Throttled, "token budget: next request at 11:00:20")));
    }

    [TestCase(null, "without registry credentials (spec.imageCredentials is unset)")]
    [TestCase("acme-ghcr", "with the saved registry credentials acme-ghcr")]
    public void An_image_Northflank_cannot_verify_is_its_own_reason_naming_the_image_and_the_credentials_used(string? credentials, string with)
    {
        var sandbox = SandboxFactory.New(configure: s =>
        {
            s.Image = "ghcr.io/acme/agent:1.4";
            s.ImageCredentials = credentials;
        });
        var desired = DesiredState.Build(sandbox, DesiredStateTests.Inputs(), "prod", Now);
        var e = new NorthflankApiException(HttpStatusCode.BadRequest, "Unable to verify external image");

        var result = ExternalResult.Failed(e, Observation.Nothing, desired);

        Assert.Multiple(() =>
        {
            Assert.That((result.Status, result.Reason), Is.EqualTo((ExternalStatus.Rejected, SyncedReasons.ImageNotVerified)));
            Assert.That(result.Message, Is.EqualTo($"Northflank could not verify the image ghcr.io/acme/agent:1.4 {with}: it answered 400 Unable to verify external image"));
        });
    }

    [Test]
    public void Another_400_on_a_write_stays_northflank_rejected()
    {
        var desired = DesiredState.Build(SandboxFactory.New(), DesiredStateTests.Inputs(), "prod", Now);

        var result = ExternalResult.Failed(new NorthflankApiException(HttpStatusCode.BadRequest, "name: too long"), Observation.Nothing, desired);

        Assert.That(result.Reason, Is.EqualTo(SyncedReasons.NorthflankRejected));
    }

    [TestCase(HttpStatusCode.BadGateway, "Northflank did not answer (502)")]
    [TestCase(null, "Northflank did not answer (no response)")]
    public void No_answer_or_a_5xx_is_transient_and_names_the_status(HttpStatusCode? status, string message)
    {
        var result = ExternalResult.Failed(new NorthflankApiException(status, "upstream"), Observation.Nothing);

        Assert.That((result.Status, result.Reason, result.Message), Is.EqualTo((ExternalStatus.Transient, SyncedReasons.NorthflankUnavailable, message)));
    }

    [TestCase(HttpStatusCode.NotFound, ExternalStatus.NotFound, SyncedReasons.NorthflankRejected)]
    [TestCase(HttpStatusCode.Forbidden, ExternalStatus.Rejected, SyncedReasons.Unauthorized)]
    [TestCase(HttpStatusCode.Unauthorized, ExternalStatus.Rejected, SyncedReasons.Unauthorized)]
    [TestCase(HttpStatusCode.BadRequest, ExternalStatus.Rejected, SyncedReasons.NorthflankRejected)]
    public void A_4xx_is_rejected_with_Northflanks_own_message(HttpStatusCode status, ExternalStatus expected, string reason)
    {
        var result = ExternalResult.Failed(new NorthflankApiException(status, "plan does not exist"), Observation.Nothing);

        Assert.That(
            (result.Status, result.Reason, result.Message),
            Is.EqualTo((expected, reason, $"Northflank answered {(int)status}: plan does not exist")));
    }
}
