using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>Ids derived from display names, and the 409s the reference documents (or the simulator chose).</summary>
public sealed class IdentityAndConflictTests
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

    private static ApiException Conflict(TestDelegate call) =>
        Assert.Throws(Is.TypeOf<ApiException>().With.Property("Status").EqualTo(409), call) as ApiException ?? throw new AssertionException("no 409");

    [Test]
    public void A_service_id_is_the_slug_of_its_name_and_reads_keep_the_name()
    {
        var written = store.CreateService(Project, StoreTests.Service("Example Service"), upsert: false);

        Assert.That((string)written["id"]!, Is.EqualTo("example-service"));
        Assert.That((string)store.GetService(Project, "example-service")["name"]!, Is.EqualTo("Example Service"));
        Assert.That((string)store.ListServices(Project)[0]["name"]!, Is.EqualTo("Example Service"));
        Assert.That(store.FindService(Project, "example-service")!.Name, Is.EqualTo("Example Service"));
    }

    [Test]
    public void Post_with_the_same_derived_id_is_the_documented_conflict()
    {
        store.CreateService(Project, StoreTests.Service("Example Service"), upsert: false);

        var error = Conflict(() => store.CreateService(Project, StoreTests.Service("example service"), upsert: false));

        Assert.That(error.Message, Is.EqualTo("There is already a service with the same derived identifier"));
    }

    [Test]
    public void Put_matches_by_derived_id_and_keeps_the_latest_name()
    {
        store.CreateService(Project, StoreTests.Service("Example Service"), upsert: false);

        store.CreateService(Project, StoreTests.Service("example-service", instances: 2), upsert: true);

        Assert.That(store.Snapshot().Services, Has.Count.EqualTo(1));
        Assert.That(store.FindService(Project, "example-service"), Has.Property("Name").EqualTo("example-service").And.Property("Instances").EqualTo(2));
    }

    [Test]
    public void Volumes_and_projects_derive_their_ids_too()
    {
        store.CreateVolume(Project, new VolumeInput("Data Volume", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));
        store.CreateProject("Team Project", null, null, upsert: false);

        Assert.That(store.Snapshot().Volumes.Single(), Has.Property("Id").EqualTo("data-volume").And.Property("Name").EqualTo("Data Volume"));
        Assert.That((string)store.GetProject("team-project")["name"]!, Is.EqualTo("Team Project"));
        Assert.That(Conflict(() => store.CreateVolume(Project, new VolumeInput("data volume", [], [], "ReadWriteOnce", null, 1024, []))).Message,
            Is.EqualTo("There is already a volume with the same derived identifier"));
        Conflict(() => store.CreateProject("team project", null, null, upsert: false));
    }

    [Test]
    public void Resuming_a_running_service_is_the_documented_conflict()
    {
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);

        var error = Conflict(() => store.Resume(Project, "web", instances: null));

        Assert.That(error.Message, Is.EqualTo("The service could not be resumed as it is not paused"));
        Assert.That(store.FindService(Project, "web")!.DeploymentCount, Is.EqualTo(1), "nothing redeployed");
    }

    [Test]
    public void Pausing_a_paused_service_is_a_conflict_too()
    {
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);
        store.Pause(Project, "web");

        Conflict(() => store.Pause(Project, "web"));

        Assert.That(store.FindService(Project, "web")!.DeploymentCount, Is.EqualTo(2));
    }

    [Test]
    public void Unknown_tags_are_refused_unless_the_team_has_them()
    {
        var input = StoreTests.Service("web") with { Tags = ["team-a"] };
        Assert.That(() => this.store.CreateService(Project, input, upsert: false),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("tags[0]:"));

        var store = new SimulatorStore(new SimulatorOptions { TeamTags = ["team-a"] }, clock);
        Assert.That(store.CreateService(Project, input, upsert: false)["tags"]![0]!.GetValue<string>(), Is.EqualTo("team-a"));
    }
}
