using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Claims;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.WarmPools;
using SandboxOperator.Telemetry;

namespace UnitTests.Controllers.Claims;

/// <summary>
/// When the API server refuses a Sandbox a claim or a pool asks for (422: say, a label value too long), the object that
/// asked says so in Ready=False SandboxRefused with the API server's words and a Warning event, and is looked at again
/// slowly, not retried hot; labels the API server would refuse are refused before any write, naming the key.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class SandboxRefusalTests : IDisposable
{
    private const string ApiServerSays =
        "Sandbox.sandbox.northflank.com \"mine\" is invalid: metadata.labels: Invalid value: \"mine\": must be no more than 63 characters";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly RefusingSandboxSet sandboxes = new();
    private readonly Catalog catalog = new() { Templates = { Catalog.Template() } };
    private readonly RecordingWriter<SandboxClaim, SandboxClaimStatus> claimWriter = new();
    private readonly ClaimMetrics metrics = new(() => []);
    private readonly TakenSandboxes taken;
    private readonly ClaimReconciler claims;

    public SandboxRefusalTests()
    {
        taken = new TakenSandboxes(time);
        claims = new ClaimReconciler(sandboxes, catalog, catalog, taken, new PoolMemory(time), claimWriter, metrics, time);
    }

    public void Dispose() => metrics.Dispose();

    [Test]
    public async Task A_cold_sandbox_the_api_server_refuses_is_told_on_the_claim_once_and_tried_again_slowly()
    {
        sandboxes.Refusal = ApiServerSays;
        var claim = Claim(template: "agent");

        var next = (await claims.ReconcileAsync(claim, CancellationToken.None)).RequeueAfter;
        claim.Status = claimWriter.Statuses.Last();
        var again = (await claims.ReconcileAsync(claim, CancellationToken.None)).RequeueAfter;

        var ready = claim.Status.Conditions!.Single();
        Assert.Multiple(() =>
        {
            Assert.That((ready.Status, ready.Reason), Is.EqualTo(("False", SandboxRefusedException.Reason)));
            Assert.That(ready.Message, Is.EqualTo($"the API server refused to create Sandbox mine: {ApiServerSays}"));
            Assert.That(claimWriter.Events[0], Is.EqualTo((true, SandboxRefusedException.Reason, ready.Message)));
            Assert.That(next, Is.EqualTo(ClaimReconciler.RetryInvalid), "a slow requeue, not the work queue's hot backoff");
            Assert.That(again, Is.EqualTo(ClaimReconciler.RetryInvalid));
            Assert.That(sandboxes.Creates, Is.EqualTo(2), "one create per look");
            Assert.That(claimWriter.Statuses, Has.Count.EqualTo(1), "the same refusal is not written again");
        });
    }

    [Test]
    public async Task A_bind_the_api_server_refuses_is_told_on_the_claim_and_leaves_the_pooled_sandbox_to_others()
    {
        var pool = Pool(replicas: 1);
        catalog.Pools.Add(pool);
        sandboxes.Stored.Add(Pooled("warm-1", pool));
        sandboxes.Refusal = ApiServerSays;

        var next = (await claims.ReconcileAsync(Claim(pool: "warm"), CancellationToken.None)).RequeueAfter;

        var ready = claimWriter.Statuses.Single().Conditions!.Single();
        Assert.Multiple(() =>
        {
            Assert.That(ready.Reason, Is.EqualTo(SandboxRefusedException.Reason));
            Assert.That(ready.Message, Is.EqualTo($"the API server refused to bind Sandbox warm-1 to the claim: {ApiServerSays}"));
            Assert.That(next, Is.EqualTo(ClaimReconciler.RetryInvalid));
            Assert.That((sandboxes.Patches, sandboxes.Creates), Is.EqualTo((1, 0)), "refused once, and no cold Sandbox tried after it");
            Assert.That(taken.TryTake("team-a", "warm-1"), Is.True, "the pooled Sandbox is free for another claim");
        });
    }

    [Test]
    public async Task Labels_kubernetes_would_refuse_are_refused_on_the_claim_naming_each_key_before_any_write()
    {
        var claim = Claim(template: "agent");
        claim.Spec.Labels = new Dictionary<string, string> { ["bad label!"] = "x", ["a/b/c"] = "ok", ["team"] = "ml", ["Example.com/x"] = "y/z" };

        var next = (await claims.ReconcileAsync(claim, CancellationToken.None)).RequeueAfter;

        var ready = claimWriter.Statuses.Single().Conditions!.Single();
        Assert.Multiple(() =>
        {
            Assert.That((ready.Status, ready.Reason), Is.EqualTo(("False", SyncedReasons.InvalidSpec)));
            Assert.That(ready.Message, Is.EqualTo(
                "spec.labels[\"Example.com/x\"]: the key prefix must be a DNS subdomain of at most 253 characters: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit; "
                + "spec.labels[\"Example.com/x\"]: the value must be empty or at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit; "
                + "spec.labels[\"a/b/c\"]: the key may hold one '/' only, between a prefix and a name; "
                + "spec.labels[\"bad label!\"]: the key name must be at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit"));
            Assert.That(claimWriter.Events.Single().Warning, Is.True);
            Assert.That((sandboxes.Creates, sandboxes.Patches), Is.EqualTo((0, 0)));
            Assert.That(next, Is.EqualTo(ClaimReconciler.RetryInvalid));
        });
    }

    [Test]
    public async Task A_bound_claim_whose_change_the_api_server_refuses_keeps_its_sandbox_and_says_why()
    {
        var claim = Claim(template: "agent");
        await claims.ReconcileAsync(claim, CancellationToken.None);
        var sandbox = sandboxes.Stored.Single();
        sandbox.Metadata.OwnerReferences = [PoolLabels.OwnerReference(SandboxClaim.EntityKind, claim.Metadata)];
        claim.Status = claimWriter.Statuses.Last();
        claim.Metadata.Generation = 2;
        claim.Spec.Labels = new Dictionary<string, string> { ["team"] = "research" };
        sandboxes.Refusal = ApiServerSays;

        var next = (await claims.ReconcileAsync(claim, CancellationToken.None)).RequeueAfter;
        var status = claimWriter.Statuses.Last();
        claim.Status = status;
        sandboxes.Refusal = null;
        var afterFix = (await claims.ReconcileAsync(claim, CancellationToken.None)).RequeueAfter;

        Assert.Multiple(() =>
        {
            Assert.That(status.SandboxName, Is.EqualTo("mine"));
            Assert.That(status.ObservedGeneration, Is.EqualTo(2), "looked at: GitOps tools show the failure");
            Assert.That(status.Conditions!.Single().Reason, Is.EqualTo(SandboxRefusedException.Reason));
            Assert.That(status.Conditions!.Single().Message, Is.EqualTo($"the API server refused the claim's labels and lifecycle on Sandbox mine: {ApiServerSays}"));
            Assert.That(next, Is.EqualTo(ClaimReconciler.RetryInvalid));
            Assert.That(sandboxes.Patches, Is.EqualTo(2), "the refused change is tried again on the next look");
            Assert.That(afterFix, Is.EqualTo(ClaimReconciler.Resync));
            Assert.That(claimWriter.Events.Last().Reason, Is.EqualTo("Updated"));
        });
    }

    [Test]
    public async Task A_pool_whose_sandboxes_the_api_server_refuses_says_so_and_tries_one_create_per_look()
    {
        var writer = new RecordingWriter<SandboxWarmPool, SandboxWarmPoolStatus>();
        var pools = new WarmPoolReconciler(sandboxes, catalog, writer, new PoolMemory(time), time);
        sandboxes.Refusal = ApiServerSays;

        var next = (await pools.ReconcileAsync(Pool(replicas: 3), CancellationToken.None)).RequeueAfter;

        var ready = writer.Statuses.Single().Conditions!.Single();
        Assert.Multiple(() =>
        {
            Assert.That((ready.Status, ready.Reason), Is.EqualTo(("False", SandboxRefusedException.Reason)));
            Assert.That(ready.Message, Is.EqualTo($"the API server refused to create a Sandbox for the pool: {ApiServerSays}"));
            Assert.That(writer.Events, Is.EqualTo(new[] { (true, SandboxRefusedException.Reason, ready.Message) }), "a Warning, and no Created");
            Assert.That(sandboxes.Creates, Is.EqualTo(1), "the others would be refused alike");
            Assert.That(next, Is.EqualTo(WarmPoolReconciler.Resync));
        });
    }

    private static SandboxClaim Claim(string? pool = null, string? template = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "mine", NamespaceProperty = "team-a", Uid = "claim-uid", Generation = 1, CreationTimestamp = DateTime.UtcNow },
        Spec = new SandboxClaimSpec
        {
            WarmPoolRef = pool is null ? null : new PoolReference { Name = pool },
            TemplateRef = template is null ? null : new TemplateReference { Name = template },
        },
    };

    private static SandboxWarmPool Pool(int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = "warm", NamespaceProperty = "team-a", Uid = "pool-uid", Generation = 1 },
        Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = "agent" }, Replicas = replicas },
    };

    private static Sandbox Pooled(string name, SandboxWarmPool pool)
    {
        var sandbox = WarmPoolReconciler.NewMember(pool, Catalog.Template());
        sandbox.Metadata.Name = name;
        sandbox.Metadata.Generation = 1;
        sandbox.Metadata.ResourceVersion = "7";
        sandbox.Status = new SandboxStatus
        {
            ObservedGeneration = 1,
            Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = "True", Reason = ReadyReasons.Available }],
        };
        return sandbox;
    }
}
