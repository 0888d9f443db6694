using System.Globalization;
using IntegrationTests.Operator;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Controllers.Sandboxes;
using TestInfra;

namespace IntegrationTests.Scale;

/// <summary>
/// Northflank answers nothing but 503 for a minute while 20 Sandboxes are created. Every create fails and each Sandbox
/// backs off exponentially; when Northflank answers again, the token's circuit (closed by the first answered call, a
/// probe if nothing else calls) must wake them all at once, so each is Ready within 10 s of Northflank being able to
/// deploy it, instead of whenever its own backoff (a minute or two by then) runs out.
/// </summary>
[Category("Scale")]
[NonParallelizable] // measures Ready times: alone on the machine
public sealed class OutageRecoveryTests : OperatorTest
{
    private const int Count = 20;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    protected override bool StartOperatorInSetUp => false;

    // The outage is what is measured: no rate limit (the default 1000 an hour would make 20 creates wait for the budget).
    protected override void ConfigureSimulator(SimulatorOptions options) => options.RateLimit.Enabled = false;

    [Test]
    public async Task Every_Sandbox_created_during_a_minute_long_outage_is_Ready_within_10_s_of_Northflank_deploying_it()
    {
        var (sinceRecovery, sinceDeployed) = await MeasureAsync(circuit: true);

        Assert.Multiple(() =>
        {
            Assert.That(sinceDeployed.Max(), Is.LessThanOrEqualTo(Bound), "Ready within 10 s of its deployment finishing");
            Assert.That(sinceRecovery.Max(), Is.LessThanOrEqualTo(Bound + Deployment), "deployed at once: Ready within 10 s of when it could have been, had it been asked when Northflank answered again");
        });
    }

    [Test]
    [Explicit("About four minutes, to print the same measure without the circuit (each Sandbox waits out its own backoff)")]
    public async Task Without_the_circuit_for_comparison() => await MeasureAsync(circuit: false);

    private static TimeSpan Deployment => TimeSpan.FromMilliseconds(200 + 600); // OperatorTest's PENDING + IN_PROGRESS

    /// <summary>Per Sandbox: Ready minus when Northflank answered again, and Ready minus when its deployment finished.</summary>
    private async Task<(List<TimeSpan> SinceRecovery, List<TimeSpan> SinceDeployed)> MeasureAsync(bool circuit)
    {
        StartOperator(extraArguments: circuit ? [] : ["--Operator:Northflank:Circuit", "false"]);
        await using var watcher = SandboxWatcher.Start(Admin, Namespace);
        await CreateAsync(NewSandbox("warm-up"));
        await WaitForConditionAsync("warm-up", ConditionTypes.Ready, "True");

        Simulator.UpdateFaults(f => f.ServerErrorRate = 1);
        var outageStart = DateTimeOffset.UtcNow;
        var names = SandboxFleet.Names("sbx", Count);
        await SandboxFleet.CreateAsync(Admin, Namespace, names.Select(SandboxFleet.Minimal));
        await Task.Delay(outageStart + Outage - DateTimeOffset.UtcNow is { } rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
        Simulator.UpdateFaults(f => f.ServerErrorRate = 0);
        var recovered = DateTimeOffset.UtcNow;
        Assume.That(ServicesOnNorthflank().Count, Is.EqualTo(1), "nothing was created during the outage (only the warm-up's service exists)");

        await Poll.UntilAsync(_ => Task.FromResult(names.All(watcher.ReadyAt.ContainsKey)), TimeSpan.FromMinutes(5), $"all {Count} Ready");
        var sinceRecovery = names.Select(n => watcher.ReadyAt[n] - recovered).ToList();
        var sinceDeployed = new List<TimeSpan>();
        foreach (var name in names)
        {
            sinceDeployed.Add(watcher.ReadyAt[name] - await DeploymentFinishedAtAsync(name));
        }

        var failed = Simulator.GetRequests().Count(r => r.Status == 503);
        TestContext.Out.WriteLine(
            $"circuit {(circuit ? "on" : "off")}: {Outage.TotalSeconds:F0} s outage, {Count} Sandboxes, {failed} requests answered 503; Ready after Northflank answered again: {Describe(sinceRecovery)}");
        TestContext.Out.WriteLine($"circuit {(circuit ? "on" : "off")}: Ready after its deployment finished: {Describe(sinceDeployed)}");
        return (sinceRecovery, sinceDeployed);
    }

    private async Task<DateTimeOffset> DeploymentFinishedAtAsync(string name)
    {
        var sandbox = await GetAsync(name) ?? throw new InvalidOperationException($"{name} is gone");
        var service = ServicesOnNorthflank().Single(s => s.Id == SandboxNaming.ServiceName(sandbox));
        return service.DeploymentFinishedAt ?? throw new InvalidOperationException($"{name}'s deployment has not finished");
    }

    private static string Describe(List<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        string At(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))].TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        return $"p50 {At(0.5)} s, p90 {At(0.9)} s, p100 {sorted[^1].TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s";
    }
}
