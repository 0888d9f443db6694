using System.Net;
using Microsoft.Extensions.Time.Testing;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;

namespace UnitTests.Northflank;

/// <summary>
/// The client against a stub Northflank: a 429 pauses the token's budget (at most its longest pause) and every caller is
/// told when it will be served instead of waiting; an outage opens the token's circuit, and the first answer closes it
/// and wakes who waited. Time is fake: nothing here waits for real.
/// </summary>
[TestFixture]
public sealed class ThrottleAndOutageTests
{
    private const string Project = "sandbox-project";
    private static readonly object Projects = new { projects = new[] { new { id = Project, name = Project } } };

    private FakeTimeProvider time = null!;
    private StubServer? stub;
    private RequestBudget? budget;
    private NorthflankApiClient? client;
    private TokenCircuit? circuit;
    private List<string> woken = null!;

    [SetUp]
    public void SetUp()
    {
        time = new FakeTimeProvider();
        woken = [];
    }

    [TearDown]
    public async Task TearDown()
    {
        client?.Dispose();
        circuit?.Dispose();
        budget?.Dispose();
        if (stub is not null)
        {
            await stub.DisposeAsync();
        }
    }

    [Test]
    public async Task A_429_pauses_the_token_and_every_caller_is_told_when_it_is_served_instead_of_waiting()
    {
        var calls = 0;
        var api = await StartAsync(_ => Interlocked.Increment(ref calls) == 1
            ? StubResponse.Error(429, "Too many requests") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "120" } }
            : StubResponse.Data(Projects));
        var pauseEnd = time.GetUtcNow() + TimeSpan.FromSeconds(120);

        NorthflankApiException first, other;
        using (BudgetCaller.Is("sandbox-a"))
        {
            first = await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        }

        using (BudgetCaller.Is("sandbox-b"))
        {
            other = await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Write, CancellationToken.None));
        }


        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(first.IsThrottled && first.ServedAt >= pauseEnd, Is.True, $"served at {first.ServedAt}, the pause ends {pauseEnd}");
            Assert.That(stub!.Requests, Has.Count.EqualTo(1), "a 429 is not retried in place, and nothing is sent during the pause");
            Assert.That(other.IsThrottled, Is.True, "another caller of the token does not wait either");
            Assert.That(other.ServedAt, Is.GreaterThan(first.ServedAt!.Value), "callers put off come back one interval apart");
            Assert.That(Budget.Waiting, Is.Zero, "nobody holds a place (or a worker) meanwhile");
        });

        time.Advance(TimeSpan.FromSeconds(120));
        Assert.That(await api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None), Is.EqualTo(new[] { Project }));
    }

    [Test]
    public async Task A_retry_after_longer_than_the_cap_pauses_only_for_the_cap_then_one_request_asks_again()
    {
        var calls = 0;
        var api = await StartAsync(_ => Interlocked.Increment(ref calls) == 1
            ? StubResponse.Error(429, "Too many requests") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" } }
            : StubResponse.Data(Projects));

        var error = await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));

        Assert.That(Budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));
        Assert.That(error.ServedAt, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));
        time.Advance(RequestBudget.DefaultMaxPause);
        Assert.That(await api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_exhausted_account_window_pauses_for_the_cap_not_the_whole_hour()
    {
        // Limit 1000 with 10% headroom and a burst of 20: the budget on its own leaves 80 unspent, so 80 left means
        // others spent the rest of the hour: nothing is spare until the reset, in 30 minutes.
        var calls = 0;
        var api = await StartAsync(_ => StubResponse.Data(Projects) with
        {
            Headers = Interlocked.Increment(ref calls) == 1
                ? new Dictionary<string, string> { ["x-ratelimit-limit"] = "1000", ["x-ratelimit-remaining"] = "80", ["x-ratelimit-reset"] = "1800" }
                : new Dictionary<string, string>(),
        });

        await api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None);
        Assert.That(Budget.PausedUntil, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));
        var early = await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        Assert.That(early.ServedAt, Is.EqualTo(time.GetUtcNow() + RequestBudget.DefaultMaxPause));

        time.Advance(RequestBudget.DefaultMaxPause);
        await api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None);
        Assert.That(stub!.Requests, Has.Count.EqualTo(2), "after the capped pause, one request asks the server again");
    }

    [Test]
    public async Task An_outage_opens_the_circuit_and_the_first_answer_closes_it_and_wakes_who_waited()
    {
        var down = true;
        var api = await StartAsync(_ => down ? StubResponse.Error(503, "unavailable") : StubResponse.Data(Projects), maxRetries: 2);

        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        Assert.That(stub!.Requests, Has.Count.EqualTo(3), "closed: one try and two retries in place");
        Assert.That(circuit!.IsOpen, Is.True);
        Assert.That(circuit.WakeOnRecovery("ns/a") && circuit.WakeOnRecovery("ns/b"), Is.True);

        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        Assert.That(stub.Requests, Has.Count.EqualTo(4), "open: no retries in place, the call fails fast");
        Assert.That(woken, Is.Empty);

        down = false;
        await api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(circuit.IsOpen, Is.False);
            Assert.That(woken, Is.EquivalentTo(new[] { "ns/a", "ns/b" }), "woken at the first answer, each once");
            Assert.That(circuit.WakeOnRecovery("ns/c"), Is.False, "closed: nothing would wake a late registration");
        });
    }

    [Test]
    public async Task A_caller_that_fails_again_right_after_its_wake_backs_off_on_its_own()
    {
        var down = true;
        var api = await StartAsync(_ => down ? StubResponse.Error(500, "this service is broken") : StubResponse.Data(Projects), maxRetries: 0);
        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        circuit!.WakeOnRecovery("ns/broken");
        down = false;
        await api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None);
        Assert.That(woken, Is.EqualTo(new[] { "ns/broken" }));

        down = true;
        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        Assert.That(circuit.WakeOnRecovery("ns/broken"), Is.False, "failed again right after its wake: not Northflank, its own call");
        Assert.That(circuit.WakeOnRecovery("ns/other"), Is.True);

        time.Advance(TokenCircuit.RewakeAfter);
        Assert.That(circuit.WakeOnRecovery("ns/broken"), Is.True, "a while later it may wait for Northflank again");
    }

    [Test]
    public async Task An_answer_that_is_an_error_still_closes_the_circuit()
    {
        var status = 503;
        var api = await StartAsync(_ => StubResponse.Error(status, "no"), maxRetries: 0);
        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        circuit!.WakeOnRecovery("ns/a");

        status = 404; // Northflank is there: it answers, if not what the caller hoped.
        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));

        Assert.That(woken, Is.EqualTo(new[] { "ns/a" }));
    }

    [Test]
    public async Task While_open_and_nothing_else_calls_a_probe_asks_every_probe_interval()
    {
        var down = true;
        var api = await StartAsync(_ => down ? StubResponse.Error(503, "unavailable") : StubResponse.Data(Projects), maxRetries: 0);
        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
        circuit!.WakeOnRecovery("ns/a");

        time.Advance(circuit.ProbeInterval);
        await Eventually.True(() => stub!.Requests.Count == 2);
        Assert.That(circuit.IsOpen, Is.True, "the probe got no answer either");

        // The failed probe may still be finishing (its request counted, its task not done): a tick then finds it busy
        // and waits for the next, so the clock moves on until the next probe is made.
        down = false;
        await Eventually.True(() => woken.Count == 1, () => time.Advance(circuit.ProbeInterval));
        Assert.That(stub!.Requests.Select(r => r.Path), Has.All.EqualTo("/v1/projects"), "the probe is a project list");
        Assert.That(circuit.IsOpen, Is.False);

        time.Advance(circuit.ProbeInterval * 3);
        Assert.That(stub.Requests, Has.Count.EqualTo(3), "no probes once closed");
    }

    [Test]
    public async Task No_probe_while_other_calls_are_made()
    {
        var api = await StartAsync(_ => StubResponse.Error(503, "unavailable"), maxRetries: 0);
        await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));

        for (var i = 0; i < 3; i++)
        {
            time.Advance(circuit!.ProbeInterval / 2);
            await CatchAsync(() => api.ListProjectsAsync(RequestPriority.Observe, CancellationToken.None));
            time.Advance(circuit.ProbeInterval / 2);
        }

        Assert.That(stub!.Requests, Has.Count.EqualTo(4), "the callers' own requests were the probes");
    }

    private RequestBudget Budget => budget!;

    private async Task<NorthflankApiClient> StartAsync(Func<RecordedRequest, StubResponse> handler, int maxRetries = 2)
    {
        stub = await StubServer.StartAsync(handler);
        var options = new NorthflankClientOptions { BaseUrl = stub.BaseUrl, MaxRetries = maxRetries, RetryBaseDelay = TimeSpan.Zero };
        budget = new RequestBudget(options.RequestsPerHour, options.Headroom, options.BurstSize, time, "test", options.MaxThrottlePause);
        circuit = new TokenCircuit(time, TimeSpan.FromSeconds(2), ct => client!.ListProjectsAsync(RequestPriority.Background, ct), id => woken.Add(id));
        client = new NorthflankApiClient(new NorthflankToken("nf-token"), TestGate.Of(options, budget, circuit), options.Wire, timeProvider: time);
        return client;
    }

    private static async Task<NorthflankApiException> CatchAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (NorthflankApiException ex)
        {
            return ex;
        }

        Assert.Fail("expected a NorthflankApiException");
        throw new InvalidOperationException();
    }
}
