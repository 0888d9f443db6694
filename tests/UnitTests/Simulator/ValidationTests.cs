using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class ValidationTests
{
    [TestCase("abc")]
    [TestCase("sandbox-42")]
    [TestCase("a23456789012345678901234567890123456789")]
    public void AcceptsSlugNames(string name) => Assert.DoesNotThrow(() => Validation.Name("name", name));

    [TestCase("ab", "3 to 39")]
    [TestCase("a234567890123456789012345678901234567890", "3 to 39")]
    [TestCase("Sandbox", "lowercase")]
    [TestCase("1sandbox", "start with a letter")]
    [TestCase("sandbox-", "end with a letter or digit")]
    [TestCase("sand_box", "lowercase letters, digits and dashes")]
    public void RejectsNamesOutsideTheRules(string name, string hint)
    {
        var error = Assert.Throws<ApiException>(() => Validation.Name("name", name))!;

        Assert.That(error.Status, Is.EqualTo(400));
        Assert.That(error.Message, Does.StartWith("name:").And.Contain(hint));
    }

    [Test]
    public void TagsAreLimitedInNumberLengthAndCharacters()
    {
        Assert.DoesNotThrow(() => Validation.Tags("tags", ["owner=team-a", "k8s.io/name:x"]));
        Assert.That(() => Validation.Tags("tags", [.. Enumerable.Range(0, 21).Select(i => $"t{i}")]),
            Throws.TypeOf<ApiException>().With.Message.Contains("at most 20"));
        Assert.That(() => Validation.Tags("tags", [new string('a', 65)]),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("tags[0]"));
        Assert.That(() => Validation.Tags("tags", ["ok", "no spaces"]),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("tags[1]"));
    }

    [TestCase("HTTP")]
    [TestCase("HTTP/2")]
    [TestCase("TCP")]
    [TestCase("UDP")]
    public void AcceptsNorthflankPortProtocols(string protocol) =>
        Assert.DoesNotThrow(() => Validation.Ports("ports", [new PortInput(null, "p", 80, true, protocol)]));

    [Test]
    public void RejectsAnUnknownProtocolNamingTheField()
    {
        var error = Assert.Throws<ApiException>(() => Validation.Ports("ports", [new PortInput(null, "p", 80, true, "SCTP")]))!;

        Assert.That(error.Message, Does.StartWith("ports[0].protocol:"));
    }

    [TestCase(0)]
    [TestCase(65536)]
    public void RejectsPortNumbersOutOfRange(int number) =>
        Assert.That(() => Validation.Ports("ports", [new PortInput(null, "p", number, false, "TCP")]),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("ports[0].internalPort:"));

    [Test]
    public void RejectsDuplicatePortNamesAndNumbers()
    {
        Assert.That(() => Validation.Ports("ports", [new PortInput(null, "a", 80, false, "TCP"), new PortInput(null, "a", 81, false, "TCP")]),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("ports[1].name: duplicate"));
        Assert.That(() => Validation.Ports("ports", [new PortInput(null, "a", 80, false, "TCP"), new PortInput(null, "b", 80, false, "UDP")]),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("ports[1].internalPort: duplicate"));
    }

    [Test]
    public void RejectsAnUnknownPlan() =>
        Assert.That(() => Validation.Plan("billing.deploymentPlan", "nf-compute-9000", PlanCatalog.Default),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("billing.deploymentPlan: unknown deployment plan"));
}
