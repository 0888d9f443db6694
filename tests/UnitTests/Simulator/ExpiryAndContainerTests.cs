using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>createOptions.expiryTime and the containers list, both driven by a fake clock.</summary>
public sealed class ExpiryAndContainerTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider clock = null!;
    private SimulatorStore store = null!;

    [SetUp]
    public void SetUp()
    {
        clock = new FakeTimeProvider(Start);
        store = new SimulatorStore(new SimulatorOptions { ScheduledDeletionDelay = TimeSpan.FromDays(2) }, clock);
    }

    private NorthflankSimulator.Inspection.ServiceSnapshot? Get(string id) => store.FindService(Project, id);

    [Test]
    public void Before_expiry_the_write_answer_shows_only_expiry_time()
    {
        var written = store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 600 }, upsert: false);

        Assert.That((string)written["expiryTime"]!, Is.EqualTo("2030-01-01T00:10:00.000Z"));
        Assert.That(written.ContainsKey("expiredAt") || written.ContainsKey("scheduledDeletion"), Is.False);
        Assert.That((int)written["createOptions"]!["expiryTime"]!, Is.EqualTo(600));
        Assert.That(Get("web")!.Expiry, Is.EqualTo(new NorthflankSimulator.Inspection.ServiceExpirySnapshot(Start.AddMinutes(10), null, null)));
    }

    [Test]
    public void At_expiry_the_service_is_paused_and_its_deletion_scheduled()
    {
        store.CreateService(Project, StoreTests.Service("web", instances: 2) with { ExpirySeconds = 600 }, upsert: false);

        clock.Advance(TimeSpan.FromSeconds(599));
        Assert.That(Get("web")!.Paused, Is.False);
        clock.Advance(TimeSpan.FromSeconds(1));

        var service = Get("web")!;
        Assert.That(service, Has.Property("Paused").True.And.Property("Instances").Zero.And.Property("Reason").EqualTo("SCALING"));
        Assert.That(service.Expiry, Is.EqualTo(new NorthflankSimulator.Inspection.ServiceExpirySnapshot(null, Start.AddMinutes(10), Start.AddMinutes(10).AddDays(2))));
        var written = store.PatchService(Project, "web", new ServiceInput { Description = "still here" });
        Assert.That(written.ContainsKey("expiryTime"), Is.False, "cleared once the service has expired");
        Assert.That((string)written["scheduledDeletion"]!, Is.EqualTo("2030-01-03T00:10:00.000Z"));
    }

    [Test]
    public void At_the_scheduled_deletion_the_service_and_its_volumes_are_gone()
    {
        store.CreateVolume(Project, new VolumeInput("data", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));
        store.CreateVolume(Project, new VolumeInput("spare", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));
        store.CreateService(Project, StoreTests.Service("web", volumes: ["data"]) with { ExpirySeconds = 300 }, upsert: false);

        clock.Advance(TimeSpan.FromSeconds(300) + TimeSpan.FromDays(2) - TimeSpan.FromTicks(1));
        Assert.That(Get("web"), Is.Not.Null);
        clock.Advance(TimeSpan.FromTicks(1));

        Assert.That(Get("web"), Is.Null);
        Assert.That(store.Snapshot().Volumes.Select(v => v.Id), Is.EqualTo(new[] { "spare" }));
        Assert.That(() => store.GetService(Project, "web"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
    }

    [Test]
    public void An_expired_service_is_recorded_as_deleted_when_it_was_due_not_when_next_looked_at()
    {
        store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 300 }, upsert: false);

        clock.Advance(TimeSpan.FromSeconds(300) + TimeSpan.FromDays(3));

        Assert.That(store.Snapshot().DeletedServices.Single(), Is.EqualTo(new NorthflankSimulator.Inspection.DeletedServiceSnapshot(Project, "web", Start.AddSeconds(300).AddDays(2))));
    }

    [Test]
    public void An_expired_service_can_be_resumed_but_stays_scheduled_for_deletion()
    {
        store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 300 }, upsert: false);
        clock.Advance(TimeSpan.FromMinutes(5));

        store.Resume(Project, "web", instances: null);

        Assert.That(Get("web")!.Paused, Is.False);
        Assert.That(Get("web")!.Expiry!.ScheduledDeletion, Is.EqualTo(Start.AddMinutes(5).AddDays(2)));
    }

    [Test]
    public void Put_on_an_existing_service_does_not_set_an_expiry()
    {
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);

        store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 300 }, upsert: true);

        Assert.That(Get("web")!.Expiry, Is.Null);
    }

    [Test]
    public void Containers_follow_the_deployment_phase_one_per_instance()
    {
        store.CreateService(Project, StoreTests.Service("web", instances: 2), upsert: false);
        var timing = new SimulatorOptions().Deployment;

        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_STAGING", "TASK_STAGING" }));
        clock.Advance(timing.PendingDuration);
        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_STARTING", "TASK_STARTING" }));
        clock.Advance(timing.InProgressDuration);
        var running = store.ListContainers(Project, "web");
        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_RUNNING", "TASK_RUNNING" }));
        Assert.That((long)running[0]["createdAt"]!, Is.EqualTo(Start.ToUnixTimeSeconds()));
        Assert.That((long)running[0]["updatedAt"]!, Is.EqualTo((Start + timing.PendingDuration + timing.InProgressDuration).ToUnixTimeSeconds()));
        Assert.That((string)running[0]["name"]!, Does.StartWith("web-"));
        Assert.That(running.Select(c => (string)c["name"]!), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal).And.Unique);

        store.Pause(Project, "web");
        Assert.That(store.ListContainers(Project, "web"), Is.Empty);
        Assert.That(Get("web")!.Containers, Is.Empty);
    }

    [Test]
    public void A_failed_deployments_containers_are_failed()
    {
        store.CreateService(Project, StoreTests.Service("web", image: "example/does-not-exist:1"), upsert: false);
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_FAILED" }));
        Assert.That(Get("web")!.Containers.Single().Status, Is.EqualTo("TASK_FAILED"));
    }

    private string[] Statuses() => [.. store.ListContainers(Project, "web").Select(c => (string)c["status"]!)];
}
