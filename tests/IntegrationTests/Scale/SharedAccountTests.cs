using IntegrationTests.Operator;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace IntegrationTests.Scale;

/// <summary>
/// Northflank's rate limit is the account's (use-the-api.md), so other clients of the same account (a CI job, a second
/// cluster) spend the same hour. Time is compressed ×60: the simulator's hour window lasts a minute, and the operator is
/// told the limit × 60 per hour. A CI token of the same account spends most of the window first; the operator must then
/// slow down to what the server says is left less the share it leaves other clients (10 % of the limit less its burst),
/// so the CI job can still work in the same window: nobody gets a 429, and the operator catches up after the reset.
/// </summary>
[Category("Scale")]
[NonParallelizable]
public sealed class SharedAccountTests : OperatorTest
{
    private const int Limit = 1000;
    private const int TimeScale = 60;
    private const int SpentByCi = 850;
    private const int ReserveForOthers = 80; // 1000 − 900 (90 % headroom) − 20 (burst)
    private const int SpentByCiLater = 60;
    private const int Count = 100;
    private const string CiToken = "ci-job-token";
    private static readonly TimeSpan Window = TimeSpan.FromHours(1) / TimeScale;

    protected override bool StartOperatorInSetUp => false;

    protected override void ConfigureSimulator(SimulatorOptions options)
    {
        options.Tokens = [new SimulatorToken(SimulatorOptions.DefaultDevelopmentToken) { Account = "acme" }, new SimulatorToken(CiToken) { Account = "acme" }];
        options.RateLimit.Limit = Limit;
        options.RateLimit.TimeScale = TimeScale;
    }

    [Test]
    public async Task The_operator_slows_down_without_a_429_when_another_client_spends_most_of_the_hour()
    {
        StartOperator(extraArguments:
        [
            "--requests-per-hour", (Limit * TimeScale).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--progress-poll-interval", "00:00:01",
            "--Logging:LogLevel:SandboxOperator", "Information",
            "--Logging:LogLevel:ControllerRuntime", "Information",
        ]);
        await SpendAsCiAsync(SpentByCi);
        await using var watcher = SandboxWatcher.Start(Admin, Namespace);

        await SandboxFleet.CreateAsync(Admin, Namespace, SandboxFleet.Names("sbx", Count).Select(SandboxFleet.Minimal));
        // The account's window opened with the CI job's first request; half a window later the CI job works again.
        var windowStart = Simulator.GetRequests()[0].Time;
        await Task.Delay(windowStart + Window / 2 - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        await SpendAsCiAsync(SpentByCiLater);
        var ciDone = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(_ => Task.FromResult(watcher.ReadyAt.Count == Count), TimeSpan.FromMinutes(4), $"all {Count} Ready");

        var requests = Simulator.GetRequests();
        var ciFingerprint = requests[0].TokenFingerprint;
        var operatorRequests = requests.Where(r => r.TokenFingerprint != ciFingerprint).ToList();
        var inFirstWindow = operatorRequests.Count(r => r.Time < windowStart + Window);
        var readyInFirstWindow = watcher.ReadyAt.Values.Count(t => t < windowStart + Window);
        TestContext.Out.WriteLine(
            $"CI spent {SpentByCi} of {Limit}, then {SpentByCiLater} more {(ciDone - windowStart).TotalSeconds:F1} s into the {Window.TotalSeconds:F0} s window; " +
            $"the operator sent {inFirstWindow} in that window and {operatorRequests.Count} in all; {readyInFirstWindow} of {Count} Sandboxes were Ready before the window reset");

        Assume.That(ciDone, Is.LessThan(windowStart + Window), "the CI job's second round must fall in the same window for this test to say anything");
        Assert.Multiple(() =>
        {
            Assert.That(requests.Where(r => r.Status == 429).Select(r => $"{r.Time:HH:mm:ss.fff} {r.Method} {r.Route}"), Is.Empty, "no client of the account may be rate-limited");
            Assert.That(inFirstWindow, Is.LessThanOrEqualTo(Limit - SpentByCi - ReserveForOthers), "the operator left the others their share");
            Assert.That(operatorRequests.Count, Is.GreaterThan(Limit - SpentByCi - ReserveForOthers), "the operator needed more than its share, so it had to wait for the reset");
        });
    }

    private async Task SpendAsCiAsync(int count)
    {
        using var http = new HttpClient { BaseAddress = Simulator.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", CiToken);
        for (var i = 0; i < count; i++)
        {
            using var response = await http.GetAsync("v1/projects");
            Assert.That((int)response.StatusCode, Is.EqualTo(200), $"the CI job's request {i + 1} of {count}");
        }
    }
}
