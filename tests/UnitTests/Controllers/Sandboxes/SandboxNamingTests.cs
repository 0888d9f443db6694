using System.Text.RegularExpressions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;

namespace UnitTests.Controllers.Sandboxes;

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
            // Northflank's name rule (put-deployment-service.md), and a slug, so the name is its own id.
            Assert.That(service, Does.Match("^[a-zA-Z]((-|\\s)?[a-zA-Z0-9]+((-|\\s)[a-zA-Z0-9]+)*)?$"));
            Assert.That(service, Does.Match(NorthflankRules.IdPattern));
            Assert.That(service, Has.Length.InRange(3, NorthflankRules.IdMaxLength));
            Assert.That(volume, Does.Match(NorthflankRules.IdPattern));
            Assert.That(volume, Has.Length.InRange(3, NorthflankRules.IdMaxLength));
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

    [TestCase("agent-1", "sbx-agent-1-")]
    [TestCase("za09", "sbx-za09-")]
    [TestCase("my..sandbox.-x", "sbx-my-sandbox-x-")]
    public void The_service_name_shows_the_sandboxs_own_name_as_a_slug(string name, string prefix)
    {
        var service = SandboxNaming.ServiceName(SandboxFactory.New(name));

        Assert.That(service, Does.StartWith(prefix).And.Length.EqualTo(prefix.Length + 8), "the name, then 8 characters of the uid's hash");
    }

    [Test]
    public void The_volume_of_an_adopted_service_with_a_long_id_still_gets_a_valid_name()
    {
        var id = "legacy-" + new string('s', NorthflankRules.ServiceIdMaxLength - 7);
        var sandbox = SandboxFactory.New();
        sandbox.Metadata.Annotations = new Dictionary<string, string> { [SandboxAnnotations.ExternalName] = id };

        var volume = SandboxNaming.VolumeName(sandbox);

        Assert.That(volume, Has.Length.LessThanOrEqualTo(NorthflankRules.IdMaxLength).And.EndWith("-v").And.StartWith("legacy-sss"));
    }
}
