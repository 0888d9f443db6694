using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>Each answer carries exactly the fields its reference page lists (those the simulator has data for).</summary>
public sealed class ViewShapeTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private FakeTimeProvider _clock = null!;
    private SimulatorStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _store = new SimulatorStore(new SimulatorOptions(), _clock);
    }

    private static string[] Keys(JsonNode? json) => [.. json!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    private static string[] Sorted(params string[] keys) => [.. keys.Order(StringComparer.Ordinal)];

    [Test]
    public void WriteAnswersEchoTheRequestWithoutPauseStateOrProject()
    {
        var input = StoreTests.Service("Web App") with { Description = "d", Tags = ["gvisor"] };

        var written = _store.CreateService(Project, input, upsert: false);

        Assert.That(Keys(written), Is.EqualTo(Sorted("name", "description", "tags", "billing", "ports", "runtimeEnvironment", "serviceType",
            "deployment", "id", "appId", "cluster", "createdAt", "updatedAt", "status")));
        Assert.That(Keys(written["deployment"]), Is.EqualTo(Sorted("instances", "docker", "external")));
        Assert.That(Keys(written["ports"]![0]), Is.EqualTo(Sorted("name", "internalPort", "public", "protocol")));
        Assert.That(Keys(written["status"]!["deployment"]), Is.EqualTo(Sorted("status", "reason", "lastTransitionTime")));
        Assert.That((string)written["name"]!, Is.EqualTo("Web App"));
    }

    [Test]
    public void GetServiceHasTheReadShape()
    {
        _store.CreateService(Project, StoreTests.Service("web", image: "ghcr.io/org/app:1") with { Credentials = "ghcr-creds" }, upsert: false);

        var service = _store.GetService(Project, "web");

        Assert.That(Keys(service), Is.EqualTo(Sorted("id", "appId", "name", "tags", "projectId", "serviceType", "createdAt", "disabledCI",
            "disabledCD", "billing", "status", "servicePaused", "deployment", "ports", "cluster")));
        Assert.That(Keys(service["deployment"]), Is.EqualTo(Sorted("region", "instances", "external", "docker", "storage", "imageUrl")));
        Assert.That(service["deployment"]!["external"]!.ToJsonString(),
            Is.EqualTo("""{"imagePath":"org/app:1","registryProvider":"github","privateImage":true}"""));
        Assert.That(Keys(service["ports"]![0]), Is.EqualTo(Sorted("id", "name", "internalPort", "protocol", "public", "dns", "domains", "disableNfDomain")));
    }

    [Test]
    public void ListItemsCarryExactlyTheListedFields()
    {
        _store.CreateService(Project, StoreTests.Service("web") with { Description = "d" }, upsert: false);

        Assert.That(Keys(_store.ListServices(Project)[0]), Is.EqualTo(Sorted(
            "id", "appId", "projectId", "name", "tags", "description", "serviceType", "disabledCI", "disabledCD", "status")));
    }

    [Test]
    public void AFailedDeploymentCarriesNoMessageOnTheWireButTheSnapshotKeepsIt()
    {
        _store.CreateService(Project, StoreTests.Service("web", image: "example/does-not-exist:1"), upsert: false);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var deployment = _store.GetService(Project, "web")["status"]!["deployment"]!;

        Assert.That((string)deployment["status"]!, Is.EqualTo("FAILED"));
        Assert.That(Keys(deployment), Is.EqualTo(Sorted("status", "reason", "lastTransitionTime")));
        Assert.That(_store.FindService(Project, "web")!.FailureMessage, Does.Contain("does-not-exist"));
    }

    [Test]
    public void MetadataIsReturnedByGetButNotByTheList()
    {
        var input = StoreTests.Service("web") with { Metadata = JsonNode.Parse("""{"labels":{"team":"a"}}""") };
        _store.CreateService(Project, input, upsert: false);

        Assert.That(_store.GetService(Project, "web")["deployment"]!["metadata"]!.ToJsonString(), Is.EqualTo("""{"labels":{"team":"a"}}"""));
        Assert.That(_store.ListServices(Project)[0].ToJsonString(), Does.Not.Contain("metadata"));
    }

    [Test]
    public void VolumeAnswersHaveNoMounts()
    {
        var created = _store.CreateVolume(Project, new VolumeInput("data", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));

        var expected = Sorted("id", "name", "tags", "spec", "attachedObjects", "status", "createdAt", "updatedAt");
        Assert.That(Keys(created), Is.EqualTo(expected));
        Assert.That(Keys(_store.GetVolume(Project, "data")), Is.EqualTo(expected));
        Assert.That(Keys(_store.ListVolumes(Project)[0]), Is.EqualTo(expected));
    }
}
