using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

public sealed class StoreTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private FakeTimeProvider clock = null!;
    private SimulatorStore store = null!;

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
        new(name, [], [("/data", null)], accessMode, accessMode == "ReadWriteMany" ? VolumeValidation.MultiReadWriteStorageClass : null, 1024, [.. attachedTo]);

    [SetUp]
    public void SetUp()
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        store = new SimulatorStore(new SimulatorOptions(), clock);
    }

    private NorthflankSimulator.Inspection.ServiceSnapshot Get(string id) => store.FindService(Project, id)!;

    private void Settle() => clock.Advance(TimeSpan.FromMinutes(1));

    [Test]
    public void A_project_that_is_not_empty_is_deleted_only_with_its_child_objects()
    {
        store.CreateService(Project, Service("svc"), upsert: false);

        var refused = Assert.Throws<ApiException>(() => store.DeleteProject(Project, deleteChildObjects: false))!;
        Assert.That(refused.Status, Is.EqualTo(409));
        store.DeleteProject(Project, deleteChildObjects: true);

        Assert.That(Assert.Throws<ApiException>(() => store.ListServices(Project))!.Status, Is.EqualTo(404));
    }

    [Test]
    public void Post_create_of_an_existing_name_is_a_conflict()
    {
        store.CreateService(Project, Service("web"), upsert: false);

        var error = Assert.Throws<ApiException>(() => store.CreateService(Project, Service("web"), upsert: false))!;

        Assert.That(error.Status, Is.EqualTo(409));
    }

    [Test]
    public void Put_with_nothing_changed_does_not_redeploy()
    {
        store.CreateService(Project, Service("web"), upsert: false);
        Settle();

        store.CreateService(Project, Service("web"), upsert: true);

        Assert.That(Get("web").DeploymentCount, Is.EqualTo(1));
        Assert.That(Get("web").Status, Is.EqualTo("COMPLETED"));
    }

    [Test]
    public void Put_with_a_new_image_redeploys_and_an_instance_change_alone_scales()
    {
        store.CreateService(Project, Service("web"), upsert: false);
        Settle();

        store.CreateService(Project, Service("web", image: "nginx:2"), upsert: true);
        Assert.That(Get("web"), Has.Property("Status").EqualTo("PENDING").And.Property("Reason").EqualTo("DEPLOYING"));
        Settle();

        store.CreateService(Project, Service("web", instances: 3, image: "nginx:2"), upsert: true);
        Assert.That(Get("web"), Has.Property("Reason").EqualTo("SCALING").And.Property("Instances").EqualTo(3));
        Assert.That(Get("web").DeploymentCount, Is.EqualTo(3));
    }

    [Test]
    public void The_snapshot_tells_when_the_current_deployment_finished()
    {
        var created = clock.GetUtcNow();
        store.CreateService(Project, Service("web"), upsert: false);
        Assert.That(Get("web").DeploymentFinishedAt, Is.Null, "still PENDING");

        Settle();
        var options = new SimulatorOptions().Deployment;
        Assert.That(Get("web").DeploymentFinishedAt, Is.EqualTo(created + options.PendingDuration + options.InProgressDuration));

        store.CreateService(Project, Service("web", image: "nginx:2"), upsert: true);
        Assert.That(Get("web").DeploymentFinishedAt, Is.Null, "a new deployment is under way");
    }

    [Test]
    public void The_snapshot_tells_when_each_service_was_deleted_until_a_reset()
    {
        store.CreateService(Project, Service("web"), upsert: false);
        store.CreateService(Project, Service("api"), upsert: false);
        Settle();
        var deleted = clock.GetUtcNow();
        store.DeleteService(Project, "web", deleteChildObjects: true);
        Settle();
        store.DeleteProject(Project, deleteChildObjects: true);

        var gone = store.Snapshot().DeletedServices;
        Assert.That(gone, Is.EqualTo(new[]
        {
            new NorthflankSimulator.Inspection.DeletedServiceSnapshot(Project, "web", deleted),
            new NorthflankSimulator.Inspection.DeletedServiceSnapshot(Project, "api", deleted + TimeSpan.FromMinutes(1)),
        }));
        store.Reset();
        Assert.That(store.Snapshot().DeletedServices, Is.Empty);
    }

    [Test]
    public void Pause_scales_to_zero_and_resume_restores_the_previous_count()
    {
        store.CreateService(Project, Service("web", instances: 2), upsert: false);
        Settle();

        store.Pause(Project, "web");
        Assert.That(Get("web"), Has.Property("Paused").True.And.Property("Instances").Zero.And.Property("Reason").EqualTo("SCALING"));

        store.Resume(Project, "web", instances: null);
        Assert.That(Get("web"), Has.Property("Paused").False.And.Property("Instances").EqualTo(2));

        store.Pause(Project, "web");
        store.Resume(Project, "web", instances: 1);
        Assert.That(Get("web").Instances, Is.EqualTo(1));
    }

    [Test]
    public void Put_does_not_unpause_but_remembers_the_count_for_resume()
    {
        store.CreateService(Project, Service("web"), upsert: false);
        store.Pause(Project, "web");

        store.CreateService(Project, Service("web", instances: 4), upsert: true);
        Assert.That(Get("web"), Has.Property("Paused").True.And.Property("Instances").Zero);

        store.Resume(Project, "web", instances: null);
        Assert.That(Get("web").Instances, Is.EqualTo(4));
    }

    [Test]
    public void Read_write_once_volume_limits_its_service_to_one_instance_either_way_round()
    {
        store.CreateService(Project, Service("two", instances: 2), upsert: false);
        Assert.That(() => store.CreateVolume(Project, Volume("vol-a", "ReadWriteOnce", "two")),
            Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(400).And.Message.Contains("ReadWriteOnce"));

        store.CreateVolume(Project, Volume("vol-b"));
        Assert.That(() => store.CreateService(Project, Service("also-two", instances: 2, volumes: ["vol-b"]), upsert: false),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("deployment.instances:"));

        store.CreateService(Project, Service("one", volumes: ["vol-b"]), upsert: false);
        Assert.That(() => store.Scale(Project, "one", 2, null, null),
            Throws.TypeOf<ApiException>().With.Message.StartsWith("instances:"));

        store.CreateVolume(Project, Volume("vol-shared", "ReadWriteMany", "two"));
        Assert.That(Get("two").Volumes, Is.EquivalentTo(new[] { "vol-shared" }));
    }

    [Test]
    public void Delete_with_child_objects_deletes_volumes_and_without_detaches_them()
    {
        store.CreateVolume(Project, Volume("vol-kept"));
        store.CreateVolume(Project, Volume("vol-gone"));
        store.CreateService(Project, Service("keeper", volumes: ["vol-kept"]), upsert: false);
        store.CreateService(Project, Service("deleter", volumes: ["vol-gone"]), upsert: false);

        store.DeleteService(Project, "keeper", deleteChildObjects: false);
        store.DeleteService(Project, "deleter", deleteChildObjects: true);

        var volumes = store.Snapshot().Volumes;
        Assert.That(volumes.Select(v => v.Id), Is.EquivalentTo(new[] { "vol-kept" }));
        Assert.That(volumes.Single().AttachedServices, Is.Empty);
    }

    [Test]
    public void Public_ports_get_a_stable_dns_name_and_private_ones_none()
    {
        store.CreateService(Project, Service("web"), upsert: false);
        var dnsId = store.Snapshot().Projects.Single().DnsId;

        store.ReplacePorts(Project, "web", [new PortInput(null, "http", 8080, true, "HTTP"), new PortInput(null, "db", 5432, false, "TCP")]);

        var ports = Get("web").Ports;
        Assert.That(ports[0].Dns, Is.EqualTo($"http--web--{dnsId}.code.run"));
        Assert.That(ports[1].Dns, Is.Null);
    }

    [Test]
    public void Inspection_shows_environment_names_only()
    {
        store.CreateService(Project, Service("web"), upsert: false);

        store.SetEnvironment(Project, "web", new() { ["SECRET_KEY"] = "hunter2" });

        Assert.That(Get("web").EnvironmentNames, Is.EqualTo(new[] { "SECRET_KEY" }));
        Assert.That(Get("web").ToString(), Does.Not.Contain("hunter2"));
    }

    [Test]
    public void Unknown_project_service_and_volume_are_not_found()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => store.ListServices("nope-project"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
            Assert.That(() => store.GetService(Project, "nope"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
            Assert.That(() => store.GetVolume(Project, "nope"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
        });
    }

    [Test]
    public void Reset_returns_to_the_seeded_projects_with_the_same_dns_ids()
    {
        var dnsId = store.Snapshot().Projects.Single().DnsId;
        store.CreateService(Project, Service("web"), upsert: false);
        store.CreateProject("other", null, null, upsert: false);

        store.Reset();

        var state = store.Snapshot();
        Assert.That(state.Projects.Select(p => p.Id), Is.EqualTo(new[] { Project }));
        Assert.That(state.Projects.Single().DnsId, Is.EqualTo(dnsId));
        Assert.That(state.Services, Is.Empty);
    }
}
