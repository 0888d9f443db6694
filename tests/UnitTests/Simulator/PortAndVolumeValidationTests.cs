using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class PortAndVolumeValidationTests
{
    private static void Ports(params PortInput[] ports) => ServiceValidation.Ports("ports", ports, Pages.PutService);

    private static void Refused(TestDelegate call, string field) =>
        Assert.That(call, Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(400).And.Message.StartsWith($"{field}:"));

    private static VolumeInput Volume(
        string name = "Data Volume", string mount = "/data", string? volumeMount = null, string accessMode = "ReadWriteOnce", int size = 4096) =>
        new(name, ["gvisor"], [(mount, volumeMount)], accessMode, null, size, []);

    [TestCase("HTTP")]
    [TestCase("HTTP/2")]
    [TestCase("TCP")]
    [TestCase("UDP")]
    public void AcceptsTheReferenceProtocols(string protocol) =>
        Assert.DoesNotThrow(() => Ports(new PortInput(null, "p", 80, false, protocol)));

    [TestCase("http")]
    [TestCase("p01")]
    [TestCase("Metrics8")]
    public void AcceptsPortNamesOfOneToEightCharacters(string name) =>
        Assert.DoesNotThrow(() => Ports(new PortInput(null, name, 80, false, "TCP")));

    [TestCase("metrics-1")]
    [TestCase("9p")]
    [TestCase("a--b")]
    [TestCase("")]
    public void RefusesOtherPortNames(string name) => Refused(() => Ports(new PortInput(null, name, 80, false, "TCP")), "ports[0].name");

    [TestCase(0)]
    [TestCase(65536)]
    public void RefusesPortNumbersOutOfRange(int number) =>
        Refused(() => Ports(new PortInput(null, "p", number, false, "TCP")), "ports[0].internalPort");

    [Test]
    public void RefusesAnUnknownProtocol() => Refused(() => Ports(new PortInput(null, "p", 80, false, "SCTP")), "ports[0].protocol");

    [TestCase("TCP")]
    [TestCase("UDP")]
    public void OnlyHttpPortsCanBePublic(string protocol) =>
        Refused(() => Ports(new PortInput(null, "ok", 80, false, "HTTP/2"), new PortInput(null, "p", 81, true, protocol)), "ports[1].public");

    [Test]
    public void PortNamesAndNumbersAreUnique()
    {
        Refused(() => Ports(new PortInput(null, "web", 80, false, "TCP"), new PortInput(null, "WEB", 81, false, "TCP")), "ports[1].name");
        Refused(() => Ports(new PortInput(null, "a", 80, false, "TCP"), new PortInput(null, "b", 80, false, "UDP")), "ports[1].internalPort");
    }

    [Test]
    public void PortIdsOfTheDeprecatedEndpointFollowTheirPattern() =>
        Refused(() => Ports(new PortInput("P_1", "p", 80, false, "TCP")), "ports[0].id");

    [Test]
    public void AcceptsAVolumeTheReferenceAllows() =>
        Assert.DoesNotThrow(() => VolumeValidation.Validate(Volume(volumeMount: "sub/dir"), SimulatorOptions.DefaultTeamTags));

    [TestCase("vo")]
    [TestCase("Data_Volume")]
    public void RefusesVolumeNamesOutsideThePattern(string name) =>
        Refused(() => VolumeValidation.Validate(Volume(name: name), SimulatorOptions.DefaultTeamTags), "name");

    [TestCase("/data:ro")]
    [TestCase("relative/path")]
    public void ContainerMountPathsAreAbsoluteAndWithoutColons(string path) =>
        Refused(() => VolumeValidation.Validate(Volume(mount: path), SimulatorOptions.DefaultTeamTags), "mounts[0].containerMountPath");

    [Test]
    public void VolumeMountPathsMayNotClimbOut() =>
        Refused(() => VolumeValidation.Validate(Volume(volumeMount: "../etc"), SimulatorOptions.DefaultTeamTags), "mounts[0].volumeMountPath");

    [Test]
    public void AccessModeAndSizeFollowTheRules()
    {
        Refused(() => VolumeValidation.Validate(Volume(accessMode: "ReadOnlyMany"), SimulatorOptions.DefaultTeamTags), "spec.accessMode");
        Refused(() => VolumeValidation.Validate(Volume(size: 512), SimulatorOptions.DefaultTeamTags), "spec.storageSize");
        Refused(() => VolumeValidation.Validate(Volume(size: 1048577), SimulatorOptions.DefaultTeamTags), "spec.storageSize");
    }

    [Test]
    public void VolumeTagsMustBeTheTeams() =>
        Refused(() => VolumeValidation.Validate(Volume() with { Tags = ["other"] }, SimulatorOptions.DefaultTeamTags), "tags[0]");
}
