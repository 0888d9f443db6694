using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class OwnershipMarkerTests
{
    [Test]
    public void Ownership_needs_both_the_uid_and_the_cluster()
    {
        var sandbox = SandboxFactory.New();
        var description = OwnershipMarker.Description(sandbox, "prod");

        Assert.Multiple(() =>
        {
            Assert.That(OwnershipMarker.IsOwnedBy(description, sandbox, "prod"), Is.True);
            Assert.That(OwnershipMarker.IsOwnedBy(description, sandbox, "staging"), Is.False);
            Assert.That(OwnershipMarker.IsOwnedBy(description, SandboxFactory.New("other"), "prod"), Is.False);
            Assert.That(OwnershipMarker.IsOwnedBy(null, sandbox, "prod"), Is.False);
            Assert.That(OwnershipMarker.IsOwnedBy("A service someone made by hand", sandbox, "prod"), Is.False);
            Assert.That(OwnershipMarker.Read(description), Is.EqualTo(new OwnershipMarker.Owner("prod", "team-a", sandbox.Metadata.Uid!)));
        });
    }

    [Test]
    public void A_marker_written_after_other_text_is_not_a_marker()
    {
        var sandbox = SandboxFactory.New();
        var forged = "hello " + OwnershipMarker.Description(sandbox, "prod");

        Assert.That(OwnershipMarker.Read(forged), Is.Null);
    }

    [TestCase("a")]
    [TestCase("an-extremely-long-sandbox-name-that-goes-on-and-on-and-on-past-what-northflank-takes-in-a-description-field-which-is-two-hundred-characters-at-most-so-it-must-be-cut-somewhere-sensible-and-still-parse-back")]
    public void The_description_keeps_Northflanks_rule_and_the_marker_survives_the_cut(string name)
    {
        var sandbox = SandboxFactory.New(name);
        sandbox.Metadata.NamespaceProperty = "team.with.dots-and-dashes";
        sandbox.Metadata.Uid = "5f0c6a8e-93d2-4a5b-9c1e-0b7f3f2d1a44";

        var description = OwnershipMarker.Description(sandbox, "cluster-1");

        Assert.Multiple(() =>
        {
            Assert.That(description, Has.Length.LessThanOrEqualTo(NorthflankRules.DescriptionMaxLength));
            Assert.That(Regex.IsMatch(description, NorthflankRules.DescriptionPattern), Is.True, description);
            Assert.That(OwnershipMarker.IsOwnedBy(description, sandbox, "cluster-1"), Is.True);
        });
    }

    [Test]
    public void A_volume_is_ours_only_while_attached_to_our_service()
    {
        var attached = new VolumeDetails { Id = "v", Name = "v", AttachedObjects = [new AttachedObject { Id = "sbx-a-1234" }] };
        var elsewhere = attached with { AttachedObjects = [new AttachedObject { Id = "someone-else" }] };
        var toAJob = attached with { AttachedObjects = [new AttachedObject { Id = "sbx-a-1234", Type = "job" }] };

        Assert.Multiple(() =>
        {
            Assert.That(OwnershipMarker.IsAttachedTo(attached, "sbx-a-1234"), Is.True);
            Assert.That(OwnershipMarker.IsAttachedTo(elsewhere, "sbx-a-1234"), Is.False);
            Assert.That(OwnershipMarker.IsAttachedTo(toAJob, "sbx-a-1234"), Is.False);
            Assert.That(OwnershipMarker.IsAttachedTo(attached with { AttachedObjects = null }, "sbx-a-1234"), Is.False);
        });
    }
}
