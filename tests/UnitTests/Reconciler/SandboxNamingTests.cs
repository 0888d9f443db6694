using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Reconciler;

namespace UnitTests.Reconciler;

public class SandboxNamingTests
{
    [TestCase("agent-1")]
    [TestCase("A_Very.Long.Name.With.Dots.And_Underscores-that-goes-on-and-on-and-on")]
    [TestCase("---")]
    [TestCase("9lives")]
    public void Service_and_volume_names_follow_Northflank_rules(string name)
    {
        var sandbox = SandboxFactory.New(name);
        var service = SandboxNaming.ServiceName(sandbox);
        var volume = SandboxNaming.VolumeName(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(service, Does.Match(NorthflankNames.Pattern));
            Assert.That(service, Has.Length.LessThanOrEqualTo(NorthflankNames.MaxLength));
            Assert.That(volume, Does.Match(NorthflankNames.Pattern));
            Assert.That(volume, Has.Length.LessThanOrEqualTo(NorthflankNames.MaxLength));
            Assert.That(Regex.IsMatch(service, "--"), Is.False, "no double dashes (they separate parts of Northflank DNS names)");
        });
    }

    [Test]
    public void Name_is_stable_for_a_sandbox_and_differs_for_a_recreated_one()
    {
        var first = SandboxFactory.New("agent");
        var again = SandboxFactory.New("agent");
        var recreated = SandboxFactory.New("agent");
        recreated.Metadata.Uid = "another-uid";

        Assert.That(SandboxNaming.ServiceName(again), Is.EqualTo(SandboxNaming.ServiceName(first)));
        Assert.That(SandboxNaming.ServiceName(recreated), Is.Not.EqualTo(SandboxNaming.ServiceName(first)));
    }

    [Test]
    public void External_name_annotation_adopts_the_named_service()
    {
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = "legacy-service" };

        Assert.That(SandboxNaming.ServiceName(sandbox), Is.EqualTo("legacy-service"));
    }

    [Test]
    public void Ownership_needs_both_the_uid_and_the_cluster()
    {
        var sandbox = SandboxFactory.New();
        var tags = SandboxNaming.OwnershipTags(sandbox, "prod");

        Assert.Multiple(() =>
        {
            Assert.That(SandboxNaming.IsOwnedBy(tags, sandbox, "prod"), Is.True);
            Assert.That(SandboxNaming.IsOwnedBy(tags, sandbox, "staging"), Is.False);
            Assert.That(SandboxNaming.IsOwnedBy(tags, SandboxFactory.New("other"), "prod"), Is.False);
            Assert.That(SandboxNaming.IsOwnedBy(null, sandbox, "prod"), Is.False);
        });
    }
}
