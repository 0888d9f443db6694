using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Controllers.Sandboxes;

public class ProgressWatchTests
{
    private static readonly NorthflankToken Token = new("token-a");
    private static readonly ServiceStatus Pending = new() { Deployment = new DeploymentStatus { Status = DeploymentStates.Pending } };

    private FakeTimeProvider time = null!;
    private ListOnlyApi api = null!;
    private SandboxMemory memory = null!;
    private ProgressWatch watch = null!;
    private List<string> woken = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        api = new ListOnlyApi();
        memory = new SandboxMemory(new NoTokens());
        watch = new ProgressWatch(memory, new ServiceListCache(time), new ReconcilerOptions(), time);
        woken = [];
    }

    private Task PollAsync() => watch.PollOnceAsync((ns, name) => { lock (woken) { woken.Add($"{ns}/{name}"); } }, CancellationToken.None);

    private void WaitForChange(Sandbox sandbox, string project = "p", ServiceStatus? seen = null, bool afterWrite = false) =>
        watch.WaitForChange(memory.For(sandbox), sandbox, api, Token, Target(project, Id(sandbox)), seen ?? Pending, afterWrite);

    private static SandboxTarget Target(string project, string service) => new(project, service, null);

    private void WaitFor(Sandbox sandbox, INorthflankApi on, NorthflankToken token, SandboxTarget target, ServiceStatus? seen, bool afterWrite) =>
        watch.WaitForChange(memory.For(sandbox), sandbox, on, token, target, seen, afterWrite);

    private static string Id(Sandbox sandbox) => $"sbx-{sandbox.Metadata.Name}";

    [Test]
    public async Task One_list_wakes_exactly_the_sandboxes_whose_service_changed()
    {
        var sandboxes = Enumerable.Range(0, 50).Select(i => SandboxFactory.New($"s{i}")).ToList();
        sandboxes.ForEach(s => WaitForChange(s));
        api.Services["p"] = [.. sandboxes.Select((s, i) => ListOnlyApi.Service(Id(s), i % 10 == 0 ? DeploymentStates.Completed : DeploymentStates.Pending))];

        await PollAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Calls, Has.Count.EqualTo(1), "one list for the whole project");
            Assert.That(woken, Is.EquivalentTo(new[] { "team-a/s0", "team-a/s10", "team-a/s20", "team-a/s30", "team-a/s40" }));
            Assert.That(watch.Count, Is.EqualTo(45), "the woken ones stop waiting; their reconcile decides again");
        });
    }

    [Test]
    public async Task A_woken_sandbox_remembers_when_the_list_that_woke_it_started_and_one_not_woken_does_not()
    {
        var changed = SandboxFactory.New("changed");
        var same = SandboxFactory.New("same");
        WaitForChange(changed);
        WaitForChange(same);
        api.Services["p"] = [ListOnlyApi.Service(Id(changed), DeploymentStates.Completed), ListOnlyApi.Service(Id(same), DeploymentStates.Pending)];
        time.Advance(TimeSpan.FromSeconds(3));
        var roundStarted = time.GetUtcNow();

        await PollAsync();

        Assert.Multiple(() =>
        {
            Assert.That(woken, Is.EqualTo(new[] { "team-a/changed" }));
            Assert.That(memory.For(changed).WokenBy, Is.EqualTo(roundStarted), "its reconcile may read this list, however long it took");
            Assert.That(memory.For(same).WokenBy, Is.Null);
        });
    }

    [Test]
    public async Task A_service_missing_from_the_list_wakes_its_sandbox()
    {
        var sandbox = SandboxFactory.New("gone");
        WaitForChange(sandbox);

        await PollAsync();

        Assert.That(woken, Is.EqualTo(new[] { "team-a/gone" }));
    }

    [Test]
    public async Task After_a_write_a_settled_state_wakes_the_sandbox_even_when_the_answer_showed_it_too()
    {
        var completed = new ServiceStatus { Deployment = new DeploymentStatus { Status = DeploymentStates.Completed } };
        var written = SandboxFactory.New("written");
        var deploying = SandboxFactory.New("deploying");
        var settledBefore = SandboxFactory.New("settled-before");
        WaitForChange(written, seen: completed, afterWrite: true);
        WaitForChange(deploying, afterWrite: true);
        WaitForChange(settledBefore, seen: completed, afterWrite: false);
        api.Services["p"] =
        [
            ListOnlyApi.Service(Id(written), DeploymentStates.Completed),
            ListOnlyApi.Service(Id(deploying), DeploymentStates.Pending),
            ListOnlyApi.Service(Id(settledBefore), DeploymentStates.Completed),
        ];

        await PollAsync();

        Assert.That(woken, Is.EqualTo(new[] { "team-a/written" }), "a PENDING answered by the write and listed again is no news");
    }

    [Test]
    public async Task A_deletion_wakes_only_once_the_service_is_no_longer_listed()
    {
        var sandbox = SandboxFactory.New("deleting");
        watch.Wait(memory.For(sandbox), sandbox, api, Token, Target("p", Id(sandbox)), listed => listed is null);
        api.Services["p"] = [ListOnlyApi.Service(Id(sandbox), DeploymentStates.Completed)];
        await PollAsync();
        Assert.That(woken, Is.Empty);

        api.Services["p"] = [];
        time.Advance(TimeSpan.FromSeconds(1));
        await PollAsync();
        Assert.That(woken, Is.EqualTo(new[] { "team-a/deleting" }));
    }

    [Test]
    public async Task A_list_that_started_before_the_wait_does_not_judge_it()
    {
        var held = new ListOnlyApi(held: true);
        var sandbox = SandboxFactory.New("late");
        WaitFor(SandboxFactory.New("early"), held, Token, Target("p", "sbx-early"), Pending, afterWrite: true);
        var round = PollAsync();

        // Registered while the round's list is under way: that list may predate what this reconcile saw.
        time.Advance(TimeSpan.FromMilliseconds(10));
        WaitFor(sandbox, held, Token, Target("p", Id(sandbox)), Pending, afterWrite: true);
        held.Release();
        await round;

        Assert.Multiple(() =>
        {
            Assert.That(woken, Is.EqualTo(new[] { "team-a/early" }));
            Assert.That(watch.Count, Is.EqualTo(1), "the late one waits for the next list");
        });
    }

    [Test]
    public async Task Each_project_and_token_is_listed_once_per_round_and_stopped_sandboxes_are_not()
    {
        WaitForChange(SandboxFactory.New("a1"), project: "a");
        WaitForChange(SandboxFactory.New("a2"), project: "a");
        WaitForChange(SandboxFactory.New("b1"), project: "b");
        var stopped = SandboxFactory.New("c1");
        WaitForChange(stopped, project: "c");
        memory.Forget(stopped);

        await PollAsync();

        Assert.That(api.Calls, Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task A_project_whose_list_is_slow_holds_up_no_other_and_is_not_listed_twice_at_once()
    {
        var slow = new ListOnlyApi(held: true);
        var stuck = SandboxFactory.New("stuck");
        WaitFor(stuck, slow, new NorthflankToken("token-slow"), Target("slow", Id(stuck)), Pending, afterWrite: false);
        WaitForChange(SandboxFactory.New("quick"), project: "fast");

        var first = PollAsync();
        await Eventually.True(() => { lock (woken) { return woken.Contains("team-a/quick"); } });
        await Eventually.True(() => slow.Calls.Count == 1); // Rounds run on the thread pool: the slow one may not have asked yet.
        time.Advance(TimeSpan.FromSeconds(1));
        await PollAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(slow.Calls, Has.Count.EqualTo(1), "a round still under way is not started again");
            Assert.That(first.IsCompleted, Is.False);
        });
        slow.Release();
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(woken, Does.Contain("team-a/stuck"));
    }

    [Test]
    public async Task A_failed_list_wakes_nobody_and_is_tried_again_next_round()
    {
        var failing = new ListOnlyApi { ListFailure = new NorthflankApiException(System.Net.HttpStatusCode.BadGateway, "bad gateway") };
        WaitFor(SandboxFactory.New("s"), failing, Token, Target("p", "sbx-s"), Pending, afterWrite: false);

        await PollAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await PollAsync();

        Assert.Multiple(() =>
        {
            Assert.That(woken, Is.Empty);
            Assert.That(failing.Calls, Has.Count.EqualTo(2));
            Assert.That(watch.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Nothing_waiting_costs_no_call()
    {
        await PollAsync();

        Assert.That(api.Calls, Is.Empty);
    }

    [Test]
    public async Task A_big_projects_next_round_waits_as_long_as_its_last_one_cost_at_the_observation_rate()
    {
        var sandboxes = Enumerable.Range(0, 100).Select(i => SandboxFactory.New($"s{i}")).ToList();
        sandboxes.ForEach(s => WaitForChange(s));
        // 10 000 services: a list is 100 pages, and 100 waiting services are 100 GETs: 100 calls either way.
        api.Services["p"] = [.. Enumerable.Range(0, 10_000).Select(i => ListOnlyApi.Service($"other-{i}", DeploymentStates.Completed))];
        api.Services["p"].AddRange(sandboxes.Select(s => ListOnlyApi.Service(Id(s), DeploymentStates.Pending)));

        await PollAsync();
        var afterFirst = api.Calls.Count;
        time.Advance(TimeSpan.FromSeconds(25));
        await PollAsync();
        var within = api.Calls.Count;
        time.Advance(TimeSpan.FromSeconds(26));
        await PollAsync();

        Assert.Multiple(() =>
        {
            Assert.That(afterFirst, Is.EqualTo(1), "the first round lists (the project's size is unknown)");
            Assert.That(within, Is.EqualTo(afterFirst), "101 pages at 2 calls a second: no round for 50 s");
            Assert.That(api.Calls.Count, Is.GreaterThan(within), "after that, the next round");
            Assert.That(watch.Fallback(Token, "p"), Is.EqualTo(TimeSpan.FromSeconds(100)), "the second round read the 100 waiting services (fewer than 101 pages): a waiting Sandbox's own look waits two 50 s rounds");
        });
    }

    [Test]
    public async Task A_paced_window_slows_a_small_projects_rounds_to_one_call_in_four_of_its_pace()
    {
        var sandbox = SandboxFactory.New("paced");
        WaitForChange(sandbox);
        api.Services["p"] = [ListOnlyApi.Service(Id(sandbox), DeploymentStates.Pending)];
        api.PacedInterval = TimeSpan.FromSeconds(4);

        await PollAsync();
        time.Advance(TimeSpan.FromSeconds(15));
        await PollAsync();
        var within = api.Calls.Count;
        time.Advance(TimeSpan.FromSeconds(1));
        await PollAsync();

        Assert.Multiple(() =>
        {
            Assert.That(within, Is.EqualTo(1), "one call every 16 s while the window is paced at one call per 4 s");
            Assert.That(api.Calls, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task A_roomy_window_reads_a_small_project_every_poll_interval()
    {
        var sandbox = SandboxFactory.New("roomy");
        WaitForChange(sandbox);
        api.Services["p"] = [ListOnlyApi.Service(Id(sandbox), DeploymentStates.Pending)];

        await PollAsync();
        time.Advance(ReconcilerOptions.DefaultProgressPollInterval);
        await PollAsync();

        Assert.Multiple(() =>
        {
            Assert.That(api.Calls, Has.Count.EqualTo(2), "one list a poll");
            Assert.That(watch.Fallback(Token, "p"), Is.EqualTo(new ReconcilerOptions().ProgressFallbackInterval));
        });
    }

    [TestCase(1, 1, Description = "a lone Sandbox pays for every list: the project waits the whole interval")]
    [TestCase(ObservationPace.CrowdedWaiters - 1, 1, Description = "not crowded yet")]
    [TestCase(ObservationPace.CrowdedWaiters, 2, Description = "a crowded project is read again after two thirds of it")]
    public async Task A_crowded_project_is_read_sooner_than_a_lone_sandboxs(int waiting, int lists)
    {
        var sandboxes = Enumerable.Range(0, waiting).Select(i => SandboxFactory.New($"s{i}")).ToList();
        sandboxes.ForEach(s => WaitForChange(s));
        api.Services["p"] = [.. sandboxes.Select(s => ListOnlyApi.Service(Id(s), DeploymentStates.Pending))];

        await PollAsync();
        time.Advance(ReconcilerOptions.DefaultProgressPollInterval * 2 / 3);
        await PollAsync();

        Assert.That(api.Calls, Has.Count.EqualTo(lists));
    }
}

/// <summary>The progress watch uses the tokens it is given; nothing here hands one out.</summary>
internal sealed class NoTokens : INorthflankApiFactory
{
    public INorthflankApi ForToken(NorthflankToken token) => throw new NotSupportedException();

    public TokenUse Use(string holder, NorthflankToken token) => throw new NotSupportedException();

    public void Release(string holder)
    {
    }
}
