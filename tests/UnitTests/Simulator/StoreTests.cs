using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class StoreTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private FakeTimeProvider _clock = null!;
    private SimulatorStore _store = null!;

    internal static ServiceInput Service(string name, int instances = 1, string image = "nginx:1", List<string>? volumes = null) => new()
    {
        Name = name,
        Plan = "nf-compute-20",
        Instances = instances,
        ImagePath = image,
        Ports = [new PortInput(null, "http", 8080, true, "HTTP")],
        Environment = new() { ["A"] = "1" },
        VolumesToAttach = volumes,
    };

    private static VolumeInput Volume(string name, string accessMode = "ReadWriteOnce", params string[] attachedTo) =>
        new(name, [], [("/data", null)], accessMode, null, 1024, [.. attachedTo]);

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _store = new SimulatorStore(new SimulatorOptions(), _clock);
    }

    private NorthflankSimulator.Inspection.ServiceSnapshot Get(string id) => _store.FindService(Project, id)!;

    private void Settle() => _clock.Advance(TimeSpan.FromMinutes(1));

    [Test]
    public void AProjectThatIsNotEmptyIsDeletedOnlyWithItsChildObjects()
    {
        _store.CreateService(Project, Service("svc"), upsert: false);

        var refused = Assert.Throws<ApiException>(() => _store.DeleteProject(Project, deleteChildObjects: false))!;
        Assert.That(refused.Status, Is.EqualTo(409));
        _store.DeleteProject(Project, deleteChildObjects: true);

        Assert.That(Assert.Throws<ApiException>(() => _store.ListServices(Project))!.Status, Is.EqualTo(404));
    }

    [Test]
    public void PostCreateOfAnExistingNameIsAConflict()
    {
        _store.CreateService(Project, Service("web"), upsert: false);

        var error = Assert.Throws<ApiException>(() => _store.CreateService(Project, Service("web"), upsert: false))!;

        Assert.That(error.Status, Is.EqualTo(409));
    }

    [Test]
    public void PutWithNothingChangedDoesNotRedeploy()
    {
        _store.CreateService(Project, Service("web"), upsert: false);
        Settle();

        _store.CreateService(Project, Service("web"), upsert: true);

        Assert.That(Get("web").DeploymentCount, Is.EqualTo(1));
        Assert.That(Get("web").Status, Is.EqualTo("COMPLETED"));
    }

    [Test]
    public void PutWithANewImageRedeploysAndAnInstanceChangeAloneScales()
    {
        _store.CreateService(Project, Service("web"), upsert: false);
        Settle();

        _store.CreateService(Project, Service("web", image: "nginx:2"), upsert: true);
        Assert.That(Get("web"), Has.Property("Status").EqualTo("PENDING").And.Property("Reason").EqualTo("DEPLOYING"));
        Settle();

        _store.CreateService(Project, Service("web", instances: 3, image: "nginx:2"), upsert: true);
        Assert.That(Get("web"), Has.Property("Reason").EqualTo("SCALING").And.Property("Instances").EqualTo(3));
        Assert.That(Get("web").DeploymentCount, Is.EqualTo(3));
    }

    [Test]
    public void TheSnapshotTellsWhenTheCurrentDeploymentFinished()
    {
        var created = _clock.GetUtcNow();
        _store.CreateService(Project, Service("web"), upsert: false);
        Assert.That(Get("web").DeploymentFinishedAt, Is.Null, "still PENDING");

        Settle();
        var options = new SimulatorOptions().Deployment;
        Assert.That(Get("web").DeploymentFinishedAt, Is.EqualTo(created + options.PendingDuration + options.InProgressDuration));

        _store.CreateService(Project, Service("web", image: "nginx:2"), upsert: true);
        Assert.That(Get("web").DeploymentFinishedAt, Is.Null, "a new deployment is under way");
    }

    [Test]
    public void TheSnapshotTellsWhenEachServiceWasDeletedUntilAReset()
    {
        _store.CreateService(Project, Service("web"), upsert: false);
        _store.CreateService(Project, Service("api"), upsert: false);
        Settle();
        var deleted = _clock.GetUtcNow();
        _store.DeleteService(Project, "web", deleteChildObjects: true);
        Settle();
        _store.DeleteProject(Project, deleteChildObjects: true);

        var gone = _store.Snapshot().DeletedServices;
        Assert.That(gone, Is.EqualTo(new[]
        {
            new NorthflankSimulator.Inspection.DeletedServiceSnapshot(Project, "web", deleted),
            new NorthflankSimulator.Inspection.DeletedServiceSnapshot(Project, "api", deleted + TimeSpan.FromMinutes(1)),
        }));
        _store.Reset();
        Assert.That(_store.Snapshot().DeletedServices, Is.Empty);
    }

    [Test]
    public void PauseScalesToZeroAndResumeRestoresThePreviousCount()
    {
        _store.CreateService(Project, Service("web", instances: 2), upsert: false);
        Settle();

        _store.Pause(Project, "web");
        Assert.That(Get("web"), Has.Property("Paused").True.And.Property("Instances").Zero.And.Property("Reason").EqualTo("SCALING"));

        _store.Resume(Project, "web", instances: null);
        Assert.That(Get("web"), Has.Property("Paused").False.And.Property("Instances").EqualTo(2));

        _store.Pause(Project, "web");
        _store.Resume(Project, "web", instances: 1);
        Assert.That(Get("web").Instances, Is.EqualTo(1));
    }

    [Test]
    public void PutDoesNotUnpauseButRemembersTheCountForResume()
    {
        _store.CreateService(Project, Service("web"), upsert: false);
        _store.Pause(Project, "web");

        _store.CreateService(Project, Service("web", instances: 4), upsert: true);
        Assert.That(Get("web"), Has.Property("Paused").True.And.Property("Instances").Zero);

        _store.Resume(Project, "web", instances: null);
        Assert.That(Get("web").Instances, Is.EqualTo(4));
    }

    [Test]
    public void ReadWriteOnceVolumeLimitsItsServiceToOneInstanceEitherWayRound()
    {
        _store.CreateService(Project, Service("two", instances: 2), upsert: false);
        Assert.That(() => _store.CreateVolume(Project, Volume("vol-a", "ReadWriteOnce", "two")),
            Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(400).And.Message.Contains("ReadWriteOnce"));

        _store.CreateVolume(Project, Volume("vol-b"));
        Assert.That(() => _store.CreateService(Project, Service("also-two", instances: 2, volumes: ["vol-b"]), upsert: false),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("deployment.instances:"));

        _store.CreateService(Project, Service("one", volumes: ["vol-b"]), upsert: false);
        Assert.That(() => _store.Scale(Project, "one", 2, null, null),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("instances:"));

        _store.CreateVolume(Project, Volume("vol-shared", "ReadWriteMany", "two"));
        Assert.That(Get("two").Volumes, Is.EquivalentTo(new[] { "vol-shared" }));
    }

    [Test]
    public void DeleteWithChildObjectsDeletesVolumesAndWithoutDetachesThem()
    {
        _store.CreateVolume(Project, Volume("vol-kept"));
        _store.CreateVolume(Project, Volume("vol-gone"));
        _store.CreateService(Project, Service("keeper", volumes: ["vol-kept"]), upsert: false);
        _store.CreateService(Project, Service("deleter", volumes: ["vol-gone"]), upsert: false);

        _store.DeleteService(Project, "keeper", deleteChildObjects: false);
        _store.DeleteService(Project, "deleter", deleteChildObjects: true);

        var volumes = _store.Snapshot().Volumes;
        Assert.That(volumes.Select(v => v.Id), Is.EquivalentTo(new[] { "vol-kept" }));
        Assert.That(volumes.Single().AttachedServices, Is.Empty);
    }

    [Test]
    public void PublicPortsGetAStableDnsNameAndPrivateOnesNone()
    {
        _store.CreateService(Project, Service("web"), upsert: false);
        var dnsId = _store.Snapshot().Projects.Single().DnsId;

        _store.ReplacePorts(Project, "web", [new PortInput(null, "http", 8080, true, "HTTP"), new PortInput(null, "db", 5432, false, "TCP")]);

        var ports = Get("web").Ports;
        Assert.That(ports[0].Dns, Is.EqualTo($"http--web--{dnsId}.code.run"));
        Assert.That(ports[1].Dns, Is.Null);
    }

    [Test]
    public void InspectionShowsEnvironmentNamesOnly()
    {
        _store.CreateService(Project, Service("web"), upsert: false);

        _store.SetEnvironment(Project, "web", new() { ["SECRET_KEY"] = "hunter2" });

        Assert.That(Get("web").EnvironmentNames, Is.EqualTo(new[] { "SECRET_KEY" }));
        Assert.That(Get("web").ToString(), Does.Not.Contain("hunter2"));
    }

    [Test]
    public void UnknownProjectServiceAndVolumeAreNotFound()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => _store.ListServices("nope-project"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
            Assert.That(() => _store.GetService(Project, "nope"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
            Assert.That(() => _store.GetVolume(Project, "nope"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
        });
    }

    [Test]
    public void ResetReturnsToTheSeededProjectsWithTheSameDnsIds()
    {
        var dnsId = _store.Snapshot().Projects.Single().DnsId;
        _store.CreateService(Project, Service("web"), upsert: false);
        _store.CreateProject("other", null, null, upsert: false);

        _store.Reset();

        var state = _store.Snapshot();
        Assert.That(state.Projects.Select(p => p.Id), Is.EqualTo(new[] { Project }));
        Assert.That(state.Projects.Single().DnsId, Is.EqualTo(dnsId));
        Assert.That(state.Services, Is.Empty);
    }
}
