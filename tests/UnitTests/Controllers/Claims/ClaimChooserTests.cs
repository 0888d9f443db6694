using System.Text.Json.Nodes;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Claims;
using SandboxOperator.Controllers.WarmPools;

namespace UnitTests.Controllers.Claims;

public class ClaimChooserTests
{
    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    private static SandboxWarmPool Pool(string tier = PoolTiers.Running) => new()
    {
        Metadata = new V1ObjectMeta { Name = "warm", NamespaceProperty = "team-a", Uid = "pool-uid" },
        Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = "agent" }, Replicas = 2, Tier = tier },
    };

    private static SandboxTemplate Template(SandboxLifecycle? lifecycle = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "team-a", Generation = 2 },
        Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", Lifecycle = lifecycle },
    };

    private static SandboxClaim Claim(SandboxLifecycle? lifecycle = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "mine", NamespaceProperty = "team-a", Uid = "claim-uid", CreationTimestamp = T0 },
        Spec = new SandboxClaimSpec { WarmPoolRef = new PoolReference { Name = "warm" }, Lifecycle = lifecycle, Labels = new Dictionary<string, string> { ["team"] = "ml" } },
    };

    private static Sandbox Pooled(string name, bool ready = true, string? generation = null, int minute = 0, string poolUid = "pool-uid") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "team-a",
            Generation = 1,
            ResourceVersion = $"rv-{name}",
            CreationTimestamp = T0.AddMinutes(minute),
            Labels = new Dictionary<string, string> { [PoolLabels.Pool] = "warm", [PoolLabels.TemplateSpecHash] = generation ?? WarmPoolReconciler.Version(Template()) },
            OwnerReferences = [new V1OwnerReference { Kind = SandboxWarmPool.EntityKind, Name = "warm", Uid = poolUid, Controller = true }],
        },
        Status = new SandboxStatus
        {
            ObservedGeneration = 1,
            Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = "Available" }],
        },
    };

    [Test]
    public void Ready_pooled_Sandboxes_of_the_current_template_come_first_then_the_oldest()
    {
        var sandboxes = new[] { Pooled("new", minute: 5), Pooled("old", minute: 1), Pooled("outdated", generation: "made-from-an-older-spec", minute: 0), Pooled("starting", ready: false) };

        var choice = ClaimChooser.Choose(Claim(), Pool(), Template(), sandboxes);

        Assert.That(choice.Candidates.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "old", "new", "outdated" }));
        Assert.That(choice.ColdReason, Is.Null);
    }

    [Test]
    public void Sandboxes_of_another_pool_of_the_same_name_or_claimed_ones_are_never_candidates()
    {
        var claimed = Pooled("claimed");
        claimed.Metadata.Labels.Remove(PoolLabels.Pool);

        var choice = ClaimChooser.Choose(Claim(), Pool(), Template(), [Pooled("impostor", poolUid: "other-uid"), claimed]);

        Assert.That(choice.Candidates, Is.Empty);
        Assert.That(choice.ColdReason, Does.Contain("no Ready Sandbox in pool warm"));
    }

    [Test]
    public void A_claim_on_a_template_or_with_a_lifecycle_the_pool_cannot_take_goes_cold()
    {
        var byTemplate = ClaimChooser.Choose(Claim(), null, Template(), [Pooled("a")]);
        var lifecycle = ClaimChooser.Choose(
            Claim(new SandboxLifecycle { ShutdownAfter = "1h" }), Pool(), Template(new SandboxLifecycle { ShutdownAfter = "2h" }), [Pooled("a")]);
        var takeable = ClaimChooser.Choose(Claim(new SandboxLifecycle { ShutdownAfter = "1h" }), Pool(), Template(), [Pooled("a")]);

        Assert.Multiple(() =>
        {
            Assert.That(byTemplate.Candidates, Is.Empty);
            Assert.That(lifecycle.Candidates, Is.Empty);
            Assert.That(lifecycle.ColdReason, Does.Contain("lifecycle"));
            Assert.That(takeable.Candidates, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void The_bind_patch_is_conditional_and_moves_ownership_labels_and_mode_in_one_write()
    {
        var patch = JsonNode.Parse(ClaimChooser.BindPatch(Pooled("a"), Claim(new SandboxLifecycle { ShutdownAfter = "1h" }), Pool(PoolTiers.Paused)))!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)patch["metadata"]!["resourceVersion"], Is.EqualTo("rv-a"));
            Assert.That((string?)patch["metadata"]!["ownerReferences"]![0]!["uid"], Is.EqualTo("claim-uid"));
            Assert.That((string?)patch["metadata"]!["ownerReferences"]![0]!["kind"], Is.EqualTo(SandboxClaim.EntityKind));
            Assert.That(patch["metadata"]!["ownerReferences"]!.AsArray(), Has.Count.EqualTo(1));
            var labels = patch["metadata"]!["labels"]!.AsObject();
            Assert.That(labels.ContainsKey(PoolLabels.Pool) && labels[PoolLabels.Pool] is null, Is.True, "the pool label is removed");
            Assert.That((string?)labels[PoolLabels.Claim], Is.EqualTo("mine"));
            Assert.That((string?)labels[PoolLabels.LaunchType], Is.EqualTo(LaunchTypes.Warm));
            Assert.That((string?)labels["team"], Is.EqualTo("ml"));
            Assert.That((string?)patch["spec"]!["operatingMode"], Is.EqualTo(OperatingModes.Running));
            Assert.That(DateTimeOffset.Parse((string)patch["spec"]!["lifecycle"]!["shutdownTime"]!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(new DateTimeOffset(T0).AddHours(1)));
        });
    }

    [Test]
    public void A_Running_pool_s_Sandbox_is_bound_without_a_spec_change()
    {
        var claim = Claim();
        claim.Spec.Labels = null;

        var patch = JsonNode.Parse(ClaimChooser.BindPatch(Pooled("a"), claim, Pool()))!;

        Assert.That(patch["spec"], Is.Null, "no spec change: no new generation and no Northflank call");
    }

    [Test]
    public void A_bound_claim_s_changed_labels_and_lifecycle_are_patched_onto_its_Sandbox()
    {
        var bound = Pooled("taken");
        bound.Metadata.Labels = new Dictionary<string, string> { [PoolLabels.Claim] = "mine", [PoolLabels.LaunchType] = LaunchTypes.Warm, ["team"] = "ml" };
        var claim = Claim(new SandboxLifecycle { ShutdownAfter = "2h" });
        claim.Spec.Labels!["team"] = "research";

        var patch = JsonNode.Parse(ClaimChooser.FollowPatch(bound, claim)!)!;

        Assert.Multiple(() =>
        {
            Assert.That(patch["metadata"]!["labels"]!.ToJsonString(), Is.EqualTo("""{"team":"research"}"""), "only what differs");
            Assert.That(patch["metadata"]!["resourceVersion"], Is.Null, "the claim's own Sandbox: no race to lose");
            Assert.That(patch["spec"]!["lifecycle"]!["shutdownTime"]!.GetValue<DateTime>(), Is.EqualTo(T0.AddHours(2)), "counted from the claim's creation");
        });
    }

    [Test]
    public void A_bound_claim_in_line_with_its_Sandbox_needs_no_patch_and_a_lifecycle_dropped_by_the_claim_is_removed()
    {
        var bound = Pooled("taken");
        bound.Metadata.Labels = new Dictionary<string, string> { [PoolLabels.Claim] = "mine", [PoolLabels.LaunchType] = LaunchTypes.Warm, ["team"] = "ml" };
        var inLine = ClaimChooser.FollowPatch(bound, Claim());
        bound.Spec.Lifecycle = new SandboxLifecycle { ShutdownAfter = "1h" };

        var removal = JsonNode.Parse(ClaimChooser.FollowPatch(bound, Claim())!)!;

        Assert.Multiple(() =>
        {
            Assert.That(inLine, Is.Null);
            Assert.That(removal["spec"]!.AsObject().ContainsKey("lifecycle") && removal["spec"]!["lifecycle"] is null, Is.True);
            Assert.That(removal["metadata"], Is.Null);
        });
    }

    [Test]
    public void A_cold_Sandbox_is_named_as_the_claim_and_owned_by_it()
    {
        var sandbox = ClaimChooser.NewSandbox(Claim(), Template());

        Assert.Multiple(() =>
        {
            Assert.That(sandbox.Metadata.Name, Is.EqualTo("mine"));
            Assert.That(sandbox.Metadata.OwnerReferences.Single().Uid, Is.EqualTo("claim-uid"));
            Assert.That(sandbox.Metadata.Labels[PoolLabels.LaunchType], Is.EqualTo(LaunchTypes.Cold));
            Assert.That(sandbox.Spec.TemplateRef!.Name, Is.EqualTo("agent"));
            Assert.That(sandbox.Spec.Image, Is.Null, "the image comes from the template");
        });
    }

    [Test]
    public void The_claim_mirrors_its_Sandbox_s_Ready_only_once_it_describes_the_current_spec()
    {
        var sandbox = Pooled("a");
        sandbox.Metadata.Labels[PoolLabels.LaunchType] = LaunchTypes.Warm;
        var mirrored = ClaimStatusOf.Mirror(Claim(), sandbox, new DateTimeOffset(T0));
        sandbox.Metadata.Generation = 2; // e.g. resumed from a Paused pool: its status is of the last generation
        var pending = ClaimStatusOf.Mirror(Claim(), sandbox, new DateTimeOffset(T0));

        Assert.Multiple(() =>
        {
            Assert.That(mirrored.Conditions!.Single().Status, Is.EqualTo("True"));
            Assert.That(mirrored.LaunchType, Is.EqualTo(LaunchTypes.Warm));
            Assert.That(mirrored.SandboxName, Is.EqualTo("a"));
            Assert.That(pending.Conditions!.Single().Status, Is.EqualTo("False"));
            Assert.That(pending.Conditions!.Single().Reason, Is.EqualTo(ClaimStatusOf.Binding));
        });
    }
}
