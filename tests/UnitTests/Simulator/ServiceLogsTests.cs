using Microsoft.Extensions.Time.Testing;
using NorthflankSimulator;
using NorthflankSimulator.State;

namespace UnitTests.Simulator;

/// <summary>The made-up container log lines and the containers an exec may enter, on a fake clock.</summary>
public sealed class ServiceLogsTests
{
    private const string Project = SimulatorOptions.DefaultProjectId;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider clock = null!;
    private SimulatorStore store = null!;

    [SetUp]
    public void SetUp()
    {
        clock = new FakeTimeProvider(Start);

        // Default timings: PENDING 1 s, IN_PROGRESS 3 s, so a deployment runs 4 s after it started; a heartbeat every 5 s.
        store = new SimulatorStore(new SimulatorOptions(), clock);
    }

    private List<LogLine> All() => store.ServiceLogLines(Project, "web", Start.AddDays(-1), clock.GetUtcNow());

    [Test]
    public void A_running_container_logs_its_start_then_a_heartbeat_per_interval()
    {
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);
        clock.Advance(TimeSpan.FromSeconds(15));

        var lines = All();

        Assert.That(lines.Select(l => (l.Ts - Start).TotalSeconds), Is.EqualTo(new[] { 0, 1, 4, 9, 14 }));
        Assert.That(lines.Select(l => l.Log), Is.EqualTo(new[]
        {
            "stdout F Container scheduled for deployment 1 (DEPLOYING)", "stdout F Container starting", "stdout F Container running",
            "stdout F heartbeat: web is running", "stdout F heartbeat: web is running",
        }));
        Assert.That(lines.Select(l => l.ContainerId).Distinct(), Is.EqualTo(new[] { store.ListContainers(Project, "web").Single()["name"]!.ToString() }));
    }

    [Test]
    public void The_window_excludes_its_start_and_includes_its_end()
    {
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);
        clock.Advance(TimeSpan.FromSeconds(20));

        var lines = store.ServiceLogLines(Project, "web", Start.AddSeconds(4), Start.AddSeconds(14));

        Assert.That(lines.Select(l => (l.Ts - Start).TotalSeconds), Is.EqualTo(new[] { 9, 14 }));
    }

    [Test]
    public void A_paused_service_logs_that_its_containers_stop_and_nothing_after()
    {
        store.CreateService(Project, StoreTests.Service("web", instances: 2), upsert: false);
        clock.Advance(TimeSpan.FromSeconds(10));
        store.Pause(Project, "web");
        clock.Advance(TimeSpan.FromMinutes(5));

        var lines = All();

        Assert.That(lines.Where(l => l.Log.Contains("stopping", StringComparison.Ordinal)).Select(l => l.Ts), Is.EqualTo(new[] { Start.AddSeconds(10), Start.AddSeconds(10) }));
        Assert.That(lines.Max(l => l.Ts), Is.EqualTo(Start.AddSeconds(10)));
        Assert.That(lines.Select(l => l.ContainerId).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void A_failed_deployment_logs_why_on_stderr_and_no_heartbeat()
    {
        store.CreateService(Project, StoreTests.Service("web", image: "does-not-exist:1"), upsert: false);
        clock.Advance(TimeSpan.FromMinutes(1));

        var lines = All();

        Assert.That(lines, Has.Count.EqualTo(3));
        Assert.That(lines[^1].Log, Does.StartWith("stderr F Failed to pull image"));
    }

    [Test]
    public void Exec_enters_the_first_running_container_with_the_service_environment()
    {
        store.CreateService(Project, StoreTests.Service("web", instances: 2), upsert: false);
        clock.Advance(TimeSpan.FromSeconds(5));
        var names = store.ListContainers(Project, "web").Select(c => c["name"]!.ToString()).ToList();

        var target = store.ExecTarget(Project, "web", null);

        Assert.That(target.ContainerName, Is.EqualTo(names[0]));
        Assert.That(target.Environment["A"], Is.EqualTo("1"));
        Assert.That(store.ExecTarget(Project, "web", names[1]).ContainerName, Is.EqualTo(names[1]));
        Assert.That(Assert.Throws<ApiException>(() => store.ExecTarget(Project, "web", "web-other"))!.Status, Is.EqualTo(404));
    }

    [Test]
    public void Exec_is_refused_while_nothing_runs()
    {
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);
        Assert.That(Assert.Throws<ApiException>(() => store.ExecTarget(Project, "web", null))!.Message, Does.Contain("PENDING"));

        clock.Advance(TimeSpan.FromSeconds(5));
        store.Pause(Project, "web");

        var error = Assert.Throws<ApiException>(() => store.ExecTarget(Project, "web", null))!;
        Assert.That((error.Status, error.ErrorId), Is.EqualTo((409, "conflict")));
        Assert.That(error.Message, Does.Contain("paused"));
    }

    [Test]
    public void Removing_a_service_tells_whoever_listens()
    {
        var removed = new List<string>();
        store.ServiceRemoved = (project, service) => removed.Add($"{project}/{service}");
        store.CreateService(Project, StoreTests.Service("web"), upsert: false);
        store.CreateService(Project, StoreTests.Service("api"), upsert: false);

        store.DeleteService(Project, "web", deleteChildObjects: false);
        store.Reset();

        Assert.That(removed, Is.EqualTo(new[] { $"{Project}/web", $"{Project}/api" }));
    }
}
