using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>Ids derived from display names, and the 409s the reference documents (or the simulator chose).</summary>
public sealed class IdentityAndConflictTests
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

    private static ApiException Conflict(TestDelegate call) =>
        Assert.Throws(Is.TypeOf<ApiException>().With.Property("Status").EqualTo(409), call) as ApiException ?? throw new AssertionException("no 409");

    [Test]
    public void AServiceIdIsTheSlugOfItsNameAndReadsKeepTheName()
    {
        var written = _store.CreateService(Project, StoreTests.Service("Example Service"), upsert: false);

        Assert.That((string)written["id"]!, Is.EqualTo("example-service"));
        Assert.That((string)_store.GetService(Project, "example-service")["name"]!, Is.EqualTo("Example Service"));
        Assert.That((string)_store.ListServices(Project)[0]["name"]!, Is.EqualTo("Example Service"));
        Assert.That(_store.FindService(Project, "example-service")!.Name, Is.EqualTo("Example Service"));
    }

    [Test]
    public void PostWithTheSameDerivedIdIsTheDocumentedConflict()
    {
        _store.CreateService(Project, StoreTests.Service("Example Service"), upsert: false);

        var error = Conflict(() => _store.CreateService(Project, StoreTests.Service("example service"), upsert: false));

        Assert.That(error.Message, Is.EqualTo("There is already a service with the same derived identifier"));
    }

    [Test]
    public void PutMatchesByDerivedIdAndKeepsTheLatestName()
    {
        _store.CreateService(Project, StoreTests.Service("Example Service"), upsert: false);

        _store.CreateService(Project, StoreTests.Service("example-service", instances: 2), upsert: true);

        Assert.That(_store.Snapshot().Services, Has.Count.EqualTo(1));
        Assert.That(_store.FindService(Project, "example-service"), Has.Property("Name").EqualTo("example-service").And.Property("Instances").EqualTo(2));
    }

    [Test]
    public void VolumesAndProjectsDeriveTheirIdsToo()
    {
        _store.CreateVolume(Project, new VolumeInput("Data Volume", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));
        _store.CreateProject("Team Project", null, null, upsert: false);

        Assert.That(_store.Snapshot().Volumes.Single(), Has.Property("Id").EqualTo("data-volume").And.Property("Name").EqualTo("Data Volume"));
        Assert.That((string)_store.GetProject("team-project")["name"]!, Is.EqualTo("Team Project"));
        Assert.That(Conflict(() => _store.CreateVolume(Project, new VolumeInput("data volume", [], [], "ReadWriteOnce", null, 1024, []))).Message,
            Is.EqualTo("There is already a volume with the same derived identifier"));
        Conflict(() => _store.CreateProject("team project", null, null, upsert: false));
    }

    [Test]
    public void ResumingARunningServiceIsTheDocumentedConflict()
    {
        _store.CreateService(Project, StoreTests.Service("web"), upsert: false);

        var error = Conflict(() => _store.Resume(Project, "web", instances: null));

        Assert.That(error.Message, Is.EqualTo("The service could not be resumed as it is not paused"));
        Assert.That(_store.FindService(Project, "web")!.DeploymentCount, Is.EqualTo(1), "nothing redeployed");
    }

    [Test]
    public void PausingAPausedServiceIsAConflictToo()
    {
        _store.CreateService(Project, StoreTests.Service("web"), upsert: false);
        _store.Pause(Project, "web");

        Conflict(() => _store.Pause(Project, "web"));

        Assert.That(_store.FindService(Project, "web")!.DeploymentCount, Is.EqualTo(2));
    }

    [Test]
    public void UnknownTagsAreRefusedUnlessTheTeamHasThem()
    {
        var input = StoreTests.Service("web") with { Tags = ["team-a"] };
        Assert.That(() => _store.CreateService(Project, input, upsert: false),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("tags[0]:"));

        var store = new SimulatorStore(new SimulatorOptions { TeamTags = ["team-a"] }, _clock);
        Assert.That(store.CreateService(Project, input, upsert: false)["tags"]![0]!.GetValue<string>(), Is.EqualTo("team-a"));
    }
}
