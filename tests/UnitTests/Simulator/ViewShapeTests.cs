using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>Each answer carries exactly the fields its reference page lists (those the simulator has data for).</summary>
public sealed class ViewShapeTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private FakeTimeProvider clock = null!;
    private SimulatorStore store = null!;

    [SetUp]
    public void SetUp()
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        store = new SimulatorStore(new SimulatorOptions(), clock);
    }

    private static string[] Keys(JsonNode? json) => [.. json!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    private static string[] Sorted(params string[] keys) => [.. keys.Order(StringComparer.Ordinal)];

    [Test]
    public void Write_answers_echo_the_request_without_pause_state_or_project()
    {
        var input = StoreTests.Service("Web App") with { Description = "d", Tags = ["gvisor"] };

        var written = store.CreateService(Project, input, upsert: false);

        Assert.That(Keys(written), Is.EqualTo(Sorted("name", "description", "tags", "billing", "ports", "runtimeEnvironment", "serviceType",
            "deployment", "id", "appId", "cluster", "createdAt", "updatedAt", "status")));
        Assert.That(Keys(written["deployment"]), Is.EqualTo(Sorted("instances", "docker", "external")));
        Assert.That(Keys(written["ports"]![0]), Is.EqualTo(Sorted("name", "internalPort", "public", "protocol")));
        Assert.That(Keys(written["status"]!["deployment"]), Is.EqualTo(Sorted("status", "reason", "lastTransitionTime")));
        Assert.That((string)written["name"]!, Is.EqualTo("Web App"));
    }

    [Test]
    public void Get_service_has_the_read_shape()
    {
        store.CreateService(Project, StoreTests.Service("web", image: "ghcr.io/org/app:1") with { Credentials = "simulator-registry" }, upsert: false);

        var service = store.GetService(Project, "web");

        Assert.That(Keys(service), Is.EqualTo(Sorted("id", "appId", "name", "tags", "projectId", "serviceType", "createdAt", "disabledCI",
            "disabledCD", "billing", "status", "servicePaused", "deployment", "ports", "cluster")));
        Assert.That(Keys(service["deployment"]), Is.EqualTo(Sorted("region", "instances", "external", "docker", "storage", "imageUrl")));
        Assert.That(service["deployment"]!["external"]!.ToJsonString(),
            Is.EqualTo("""{"imagePath":"org/app:1","registryProvider":"github","privateImage":true}"""));
        Assert.That(Keys(service["ports"]![0]), Is.EqualTo(Sorted("id", "name", "internalPort", "protocol", "public", "dns", "domains", "disableNfDomain")));
    }

    [Test]
    public void List_items_carry_exactly_the_listed_fields()
    {
        store.CreateService(Project, StoreTests.Service("web") with { Description = "d" }, upsert: false);

        Assert.That(Keys(store.ListServices(Project)[0]), Is.EqualTo(Sorted(
            "id", "appId", "projectId", "name", "tags", "description", "serviceType", "disabledCI", "disabledCD", "status")));
    }

    [Test]
    public void A_failed_deployment_carries_no_message_on_the_wire_but_the_snapshot_keeps_it()
    {
        store.CreateService(Project, StoreTests.Service("web", image: "example/does-not-exist:1"), upsert: false);
        clock.Advance(TimeSpan.FromMinutes(1));

        var deployment = store.GetService(Project, "web")["status"]!["deployment"]!;

        Assert.That((string)deployment["status"]!, Is.EqualTo("FAILED"));
        Assert.That(Keys(deployment), Is.EqualTo(Sorted("status", "reason", "lastTransitionTime")));
        Assert.That(store.FindService(Project, "web")!.FailureMessage, Does.Contain("does-not-exist"));
    }

    [Test]
    public void Metadata_is_returned_by_get_but_not_by_the_list()
    {
        var input = StoreTests.Service("web") with { Metadata = JsonNode.Parse("""{"labels":{"team":"a"}}""") };
        store.CreateService(Project, input, upsert: false);

        Assert.That(store.GetService(Project, "web")["deployment"]!["metadata"]!.ToJsonString(), Is.EqualTo("""{"labels":{"team":"a"}}"""));
        Assert.That(store.ListServices(Project)[0].ToJsonString(), Does.Not.Contain("metadata"));
    }

    [Test]
    public void Volume_answers_have_no_mounts()
    {
        var created = store.CreateVolume(Project, new VolumeInput("data", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));

        var expected = Sorted("id", "name", "tags", "spec", "attachedObjects", "status", "createdAt", "updatedAt");
        Assert.That(Keys(created), Is.EqualTo(expected));
        Assert.That(Keys(store.GetVolume(Project, "data")), Is.EqualTo(expected));
        Assert.That(Keys(store.ListVolumes(Project)[0]), Is.EqualTo(expected));
    }
}
