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
    public void Accepts_the_reference_protocols(string protocol) =>
        Assert.DoesNotThrow(() => Ports(new PortInput(null, "p", 80, false, protocol)));

    [TestCase("http")]
    [TestCase("p01")]
    [TestCase("Metrics8")]
    public void Accepts_port_names_of_one_to_eight_characters(string name) =>
        Assert.DoesNotThrow(() => Ports(new PortInput(null, name, 80, false, "TCP")));

    [TestCase("metrics-1")]
    [TestCase("9p")]
    [TestCase("a--b")]
    [TestCase("")]
    public void Refuses_other_port_names(string name) => Refused(() => Ports(new PortInput(null, name, 80, false, "TCP")), "ports[0].name");

    [TestCase(0)]
    [TestCase(65536)]
    public void Refuses_port_numbers_out_of_range(int number) =>
        Refused(() => Ports(new PortInput(null, "p", number, false, "TCP")), "ports[0].internalPort");

    [Test]
    public void Refuses_an_unknown_protocol() => Refused(() => Ports(new PortInput(null, "p", 80, false, "SCTP")), "ports[0].protocol");

    [TestCase("TCP")]
    [TestCase("UDP")]
    public void Only_http_ports_can_be_public(string protocol) =>
        Refused(() => Ports(new PortInput(null, "ok", 80, false, "HTTP/2"), new PortInput(null, "p", 81, true, protocol)), "ports[1].public");

    [Test]
    public void Port_names_and_numbers_are_unique()
    {
        Refused(() => Ports(new PortInput(null, "web", 80, false, "TCP"), new PortInput(null, "WEB", 81, false, "TCP")), "ports[1].name");
        Refused(() => Ports(new PortInput(null, "a", 80, false, "TCP"), new PortInput(null, "b", 80, false, "UDP")), "ports[1].internalPort");
    }

    [TestCase(null)]
    [TestCase("ssd")]
    public void A_read_write_many_volume_needs_the_multi_read_write_storage_class(string? storageClass)
    {
        Refused(() => VolumeValidation.Validate(Volume(accessMode: "ReadWriteMany") with { StorageClassName = storageClass }, ["gvisor"]), "spec.storageClassName");
        Assert.DoesNotThrow(() => VolumeValidation.Validate(Volume(accessMode: "ReadWriteMany") with { StorageClassName = "nf-multi-rw" }, ["gvisor"]));
    }

    [Test]
    public void Port_ids_of_the_deprecated_endpoint_follow_their_pattern() =>
        Refused(() => Ports(new PortInput("P_1", "p", 80, false, "TCP")), "ports[0].id");

    [Test]
    public void Accepts_a_volume_the_reference_allows() =>
        Assert.DoesNotThrow(() => VolumeValidation.Validate(Volume(volumeMount: "sub/dir"), SimulatorOptions.DefaultTeamTags));

    [TestCase("vo")]
    [TestCase("Data_Volume")]
    public void Refuses_volume_names_outside_the_pattern(string name) =>
        Refused(() => VolumeValidation.Validate(Volume(name: name), SimulatorOptions.DefaultTeamTags), "name");

    [TestCase("/data:ro")]
    [TestCase("relative/path")]
    public void Container_mount_paths_are_absolute_and_without_colons(string path) =>
        Refused(() => VolumeValidation.Validate(Volume(mount: path), SimulatorOptions.DefaultTeamTags), "mounts[0].containerMountPath");

    [Test]
    public void Volume_mount_paths_may_not_climb_out() =>
        Refused(() => VolumeValidation.Validate(Volume(volumeMount: "../etc"), SimulatorOptions.DefaultTeamTags), "mounts[0].volumeMountPath");

    [Test]
    public void Access_mode_and_size_follow_the_rules()
    {
        Refused(() => VolumeValidation.Validate(Volume(accessMode: "ReadOnlyMany"), SimulatorOptions.DefaultTeamTags), "spec.accessMode");
        Refused(() => VolumeValidation.Validate(Volume(size: 512), SimulatorOptions.DefaultTeamTags), "spec.storageSize");
        Refused(() => VolumeValidation.Validate(Volume(size: 1048577), SimulatorOptions.DefaultTeamTags), "spec.storageSize");
    }

    [Test]
    public void Volume_tags_must_be_the_teams() =>
        Refused(() => VolumeValidation.Validate(Volume() with { Tags = ["other"] }, SimulatorOptions.DefaultTeamTags), "tags[0]");
}
