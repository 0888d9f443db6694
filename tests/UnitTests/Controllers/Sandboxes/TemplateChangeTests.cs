using k8s.Models;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Common;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Controllers.Templates;

namespace UnitTests.Controllers.Sandboxes;

/// <summary>
/// A template that changes or goes away, through the whole reconciler: an unclaimed pooled Sandbox is never changed in
/// place, a claimed one is, and a missing template is Synced=False while Ready goes on saying how the service runs.
/// </summary>
public class TemplateChangeTests
{
    private static SandboxTemplate Template(string image = "ghcr.io/acme/agent:1.4") => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "team-a", ResourceVersion = "5", Generation = 1 },
        Spec = new SandboxTemplateSpec { Image = image },
    };

    /// <summary>A pool's unclaimed Sandbox made from <paramref name="madeFrom"/>, owned by the pool and labelled with it.</summary>
    private static Sandbox Pooled(SandboxTemplate madeFrom)
    {
        var sandbox = SandboxFactory.New("warm-x7k2p", s =>
        {
            s.Image = null;
            s.TemplateRef = new TemplateReference { Name = "agent" };
        });
        sandbox.Metadata.Labels = new Dictionary<string, string>
        {
            [TemplatePin.PoolLabel] = "warm",
            [TemplatePin.SpecHashLabel] = TemplateHash.Of(madeFrom.Spec),
        };
        sandbox.Metadata.OwnerReferences = [new V1OwnerReference { Kind = SandboxWarmPool.EntityKind, Name = "warm", Uid = "pool-uid", Controller = true, ApiVersion = "sandbox.northflank.com/v1alpha1" }];
        return sandbox;
    }

    private static V1Condition? Condition(ReconcileRig rig, Sandbox sandbox, string type) =>
        Conditions.Find(rig.Cluster.Current(sandbox).Status?.Conditions, type);

    [Test]
    public async Task An_unclaimed_pooled_Sandbox_of_an_older_template_spec_is_left_as_it_is()
    {
        var rig = new ReconcileRig();
        var old = Template();
        rig.Cluster.Templates["team-a/agent"] = old;
        var sandbox = await rig.ReadyAsync(Pooled(old));
        var calls = rig.Northflank.Calls.Count;
        var status = rig.Cluster.Current(sandbox).Status!.AppliedSpecHash;

        rig.Cluster.Templates["team-a/agent"] = Template(image: "ghcr.io/acme/agent:1.5");
        await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Northflank.Calls, Has.Count.EqualTo(calls), "not even looked at: its pool replaces it");
            Assert.That(rig.Cluster.Current(sandbox).Status!.AppliedSpecHash, Is.EqualTo(status));
            Assert.That(Condition(rig, sandbox, ConditionTypes.Ready)!.Status, Is.EqualTo("True"));
        });
    }

    [Test]
    public async Task A_claimed_Sandbox_takes_its_template_s_change_in_place_with_one_PATCH()
    {
        var rig = new ReconcileRig();
        var old = Template();
        rig.Cluster.Templates["team-a/agent"] = old;
        var sandbox = await rig.ReadyAsync(Pooled(old));
        var service = rig.Cluster.Current(sandbox).Status!.ServiceId;

        sandbox.Metadata.Labels.Remove(TemplatePin.PoolLabel); // a claim took it
        sandbox.Metadata.OwnerReferences = [new V1OwnerReference { Kind = SandboxClaim.EntityKind, Name = "mine", Uid = "claim-uid", Controller = true, ApiVersion = "sandbox.northflank.com/v1alpha1" }];
        rig.Cluster.Templates["team-a/agent"] = Template(image: "ghcr.io/acme/agent:1.5");
        await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Calls(sandbox).Count(c => c.StartsWith("PATCH", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(rig.Calls(sandbox), Has.None.StartsWith("POST"), "the same service, not a new one");
            Assert.That(rig.Cluster.Current(sandbox).Status!.ServiceId, Is.EqualTo(service));
        });
    }

    [Test]
    public async Task A_missing_template_is_Synced_False_and_leaves_a_Ready_Sandbox_Ready()
    {
        var rig = new ReconcileRig();
        rig.Cluster.Templates["team-a/agent"] = Template();
        var sandbox = await rig.ReadyAsync(Pooled(Template()));
        var calls = rig.Northflank.Calls.Count;

        rig.Cluster.Templates.Remove("team-a/agent");
        await rig.ReconcileAsync(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(Condition(rig, sandbox, ConditionTypes.Synced)!.Reason, Is.EqualTo(SyncedReasons.ReferenceNotFound));
            Assert.That(Condition(rig, sandbox, ConditionTypes.Synced)!.Status, Is.EqualTo("False"));
            Assert.That(Condition(rig, sandbox, ConditionTypes.Ready)!.Status, Is.EqualTo("True"), "its service runs as this generation asks");
            Assert.That(rig.Northflank.Calls, Has.Count.EqualTo(calls));
        });
    }

    [Test]
    public async Task A_missing_template_before_any_service_is_Ready_False()
    {
        var rig = new ReconcileRig();
        var sandbox = Pooled(Template());

        await rig.ReconcileAsync(sandbox);

        Assert.That(Condition(rig, sandbox, ConditionTypes.Ready)!.Status, Is.EqualTo("False"));
        Assert.That(Condition(rig, sandbox, ConditionTypes.Ready)!.Reason, Is.EqualTo(SyncedReasons.ReferenceNotFound));
    }

    [Test]
    public void A_pooled_Sandbox_is_held_only_while_unclaimed_alive_and_made_from_another_spec()
    {
        var old = Template();
        var changed = Template(image: "ghcr.io/acme/agent:1.5");
        var claimed = Pooled(old);
        claimed.Metadata.Labels.Remove(TemplatePin.PoolLabel);
        var deleting = Pooled(old);
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.Multiple(() =>
        {
            Assert.That(TemplatePin.Holds(Pooled(old), changed), Is.True);
            Assert.That(TemplatePin.Holds(Pooled(old), old), Is.False, "made from the template as it is");
            Assert.That(TemplatePin.Holds(Pooled(old), null), Is.False, "a missing template is not a reason to hold");
            Assert.That(TemplatePin.Holds(claimed, changed), Is.False);
            Assert.That(TemplatePin.Holds(deleting, changed), Is.False);
            Assert.That(TemplatePin.Holds(SandboxFactory.New(), changed), Is.False, "a Sandbox of no pool");
            Assert.That(TemplatePin.Released(Pooled(old), claimed, changed), Is.True, "a claim taking it wakes its controller");
            Assert.That(TemplatePin.Released(Pooled(old), Pooled(old), changed), Is.False);
        });
    }
}
