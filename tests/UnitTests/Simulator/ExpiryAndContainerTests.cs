using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>createOptions.expiryTime and the containers list, both driven by a fake clock.</summary>
public sealed class ExpiryAndContainerTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _clock = null!;
    private SimulatorStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(Start);
        _store = new SimulatorStore(new SimulatorOptions { ScheduledDeletionDelay = TimeSpan.FromDays(2) }, _clock);
    }

    private NorthflankSimulator.Inspection.ServiceSnapshot? Get(string id) => _store.FindService(Project, id);

    [Test]
    public void BeforeExpiryTheWriteAnswerShowsOnlyExpiryTime()
    {
        var written = _store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 600 }, upsert: false);

        Assert.That((string)written["expiryTime"]!, Is.EqualTo("2030-01-01T00:10:00.000Z"));
        Assert.That(written.ContainsKey("expiredAt") || written.ContainsKey("scheduledDeletion"), Is.False);
        Assert.That((int)written["createOptions"]!["expiryTime"]!, Is.EqualTo(600));
        Assert.That(Get("web")!.Expiry, Is.EqualTo(new NorthflankSimulator.Inspection.ServiceExpirySnapshot(Start.AddMinutes(10), null, null)));
    }

    [Test]
    public void AtExpiryTheServiceIsPausedAndItsDeletionScheduled()
    {
        _store.CreateService(Project, StoreTests.Service("web", instances: 2) with { ExpirySeconds = 600 }, upsert: false);

        _clock.Advance(TimeSpan.FromSeconds(599));
        Assert.That(Get("web")!.Paused, Is.False);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var service = Get("web")!;
        Assert.That(service, Has.Property("Paused").True.And.Property("Instances").Zero.And.Property("Reason").EqualTo("SCALING"));
        Assert.That(service.Expiry, Is.EqualTo(new NorthflankSimulator.Inspection.ServiceExpirySnapshot(null, Start.AddMinutes(10), Start.AddMinutes(10).AddDays(2))));
        var written = _store.PatchService(Project, "web", new ServiceInput { Description = "still here" });
        Assert.That(written.ContainsKey("expiryTime"), Is.False, "cleared once the service has expired");
        Assert.That((string)written["scheduledDeletion"]!, Is.EqualTo("2030-01-03T00:10:00.000Z"));
    }

    [Test]
    public void AtTheScheduledDeletionTheServiceAndItsVolumesAreGone()
    {
        _store.CreateVolume(Project, new VolumeInput("data", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));
        _store.CreateVolume(Project, new VolumeInput("spare", [], [("/data", null)], "ReadWriteOnce", null, 1024, []));
        _store.CreateService(Project, StoreTests.Service("web", volumes: ["data"]) with { ExpirySeconds = 300 }, upsert: false);

        _clock.Advance(TimeSpan.FromSeconds(300) + TimeSpan.FromDays(2) - TimeSpan.FromTicks(1));
        Assert.That(Get("web"), Is.Not.Null);
        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.That(Get("web"), Is.Null);
        Assert.That(_store.Snapshot().Volumes.Select(v => v.Id), Is.EqualTo(new[] { "spare" }));
        Assert.That(() => _store.GetService(Project, "web"), Throws.TypeOf<ApiException>().With.Property("Status").EqualTo(404));
    }

    [Test]
    public void AnExpiredServiceIsRecordedAsDeletedWhenItWasDueNotWhenNextLookedAt()
    {
        _store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 300 }, upsert: false);

        _clock.Advance(TimeSpan.FromSeconds(300) + TimeSpan.FromDays(3));

        Assert.That(_store.Snapshot().DeletedServices.Single(), Is.EqualTo(new NorthflankSimulator.Inspection.DeletedServiceSnapshot(Project, "web", Start.AddSeconds(300).AddDays(2))));
    }

    [Test]
    public void AnExpiredServiceCanBeResumedButStaysScheduledForDeletion()
    {
        _store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 300 }, upsert: false);
        _clock.Advance(TimeSpan.FromMinutes(5));

        _store.Resume(Project, "web", instances: null);

        Assert.That(Get("web")!.Paused, Is.False);
        Assert.That(Get("web")!.Expiry!.ScheduledDeletion, Is.EqualTo(Start.AddMinutes(5).AddDays(2)));
    }

    [Test]
    public void PutOnAnExistingServiceDoesNotSetAnExpiry()
    {
        _store.CreateService(Project, StoreTests.Service("web"), upsert: false);

        _store.CreateService(Project, StoreTests.Service("web") with { ExpirySeconds = 300 }, upsert: true);

        Assert.That(Get("web")!.Expiry, Is.Null);
    }

    [Test]
    public void ContainersFollowTheDeploymentPhaseOnePerInstance()
    {
        _store.CreateService(Project, StoreTests.Service("web", instances: 2), upsert: false);
        var timing = new SimulatorOptions().Deployment;

        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_STAGING", "TASK_STAGING" }));
        _clock.Advance(timing.PendingDuration);
        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_STARTING", "TASK_STARTING" }));
        _clock.Advance(timing.InProgressDuration);
        var running = _store.ListContainers(Project, "web");
        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_RUNNING", "TASK_RUNNING" }));
        Assert.That((long)running[0]["createdAt"]!, Is.EqualTo(Start.ToUnixTimeSeconds()));
        Assert.That((long)running[0]["updatedAt"]!, Is.EqualTo((Start + timing.PendingDuration + timing.InProgressDuration).ToUnixTimeSeconds()));
        Assert.That((string)running[0]["name"]!, Does.StartWith("web-"));
        Assert.That(running.Select(c => (string)c["name"]!), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal).And.Unique);

        _store.Pause(Project, "web");
        Assert.That(_store.ListContainers(Project, "web"), Is.Empty);
        Assert.That(Get("web")!.Containers, Is.Empty);
    }

    [Test]
    public void AFailedDeploymentsContainersAreFailed()
    {
        _store.CreateService(Project, StoreTests.Service("web", image: "example/does-not-exist:1"), upsert: false);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.That(Statuses(), Is.EqualTo(new[] { "TASK_FAILED" }));
        Assert.That(Get("web")!.Containers.Single().Status, Is.EqualTo("TASK_FAILED"));
    }

    private string[] Statuses() => [.. _store.ListContainers(Project, "web").Select(c => (string)c["status"]!)];
}
