using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using NorthflankSimulator.Inspection;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// Sandboxes on demand: a template, a Running-tier and a Paused-tier pool of N each; once both are Ready, their upkeep is
/// held; then N claims on the Running pool, N on the Paused pool and N cold ones (templateRef), one batch after the other
/// (each pool refilled before the next batch), measuring claim creation to Ready=True seen on a watch and the calls.
/// </summary>
internal sealed class ClaimsScenario(LocalControlPlane controlPlane, BenchSettings settings)
{
    private const string TemplateName = "agent";
    private const string RunningPool = "warm-running";
    private const string PausedPool = "warm-paused";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>The phase of warm Running claims made one at a time: the operator's own latency, with no queue of claims.</summary>
    internal const string OneAtATime = "warm Running, one at a time";

    /// <summary>The phase of 4 N claims on the Running pool of N: N warm, the rest cold, all in one go.</summary>
    internal const string Storm = "storm: 4 × the Running pool";

    /// <summary>
    /// The storm runs only on pools this small (`--claims 10`: issue 26's 40 claims on a pool of 10): 3 N cold creates
    /// on top of the other phases' would not fit the default limit's window for N = 100.
    /// </summary>
    private const int MaxStormPool = 25;

    private int N => settings.Claims;

    private int RequestsPerHour => BenchSettings.RequestsPerHourFor(5 * N);

    private TimeSpan Timeout => TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(N * 2);

    private IKubernetes Kubernetes => controlPlane.AdminClient;

    private GenericClient Client(string plural) => new(Kubernetes, Sandbox.Group, Sandbox.Version, plural, disposeClient: false);

    public async Task<ClaimsResult> RunAsync(CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var ns = await controlPlane.CreateNamespaceAsync("bench-claims", ct);
        await BenchRig.CreateCredentialsAsync(Kubernetes, ns, ct);
        await using var simulator = await SimulatorHost.StartAsync(BenchRig.Simulator(settings, RequestsPerHour), ct);
        await using var operatorProcess = OperatorProcess.Start("operator-claims", BenchRig.OperatorArguments(settings, controlPlane, simulator, ns, "batched", RequestsPerHour), settings.OutputDirectory);
        await operatorProcess.WaitForHealthAddressAsync(TimeSpan.FromSeconds(60), ct);
        await using var watcher = ClaimWatcher.Start(Kubernetes, ns);

        await Client(SandboxTemplate.Plural).CreateNamespacedAsync(
            new SandboxTemplate { Metadata = new V1ObjectMeta { Name = TemplateName }, Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", Command = "sleep infinity" } }, ns, ct);
        await CreatePoolAsync(ns, RunningPool, PoolTiers.Running, ct);
        await CreatePoolAsync(ns, PausedPool, PoolTiers.Paused, ct);
        var t0 = DateTimeOffset.UtcNow;
        await PoolsReadyAsync(ns, operatorProcess, ct);
        Report($"both pools Ready ({N} each) {(DateTimeOffset.UtcNow - t0).TotalSeconds:F1} s after they were created; holding {settings.SteadyHours} simulated h");

        await Task.Delay(Settle, ct);
        var tHold = DateTimeOffset.UtcNow;
        await Task.Delay(settings.SteadyHold, ct);
        var tHoldEnd = DateTimeOffset.UtcNow;

        var phases = new List<ClaimPhaseResult>();
        foreach (var (label, pool, parallelism, count) in new[]
        {
            (OneAtATime, RunningPool, 1, N), ("warm Running", RunningPool, SandboxFleet.DefaultParallelism, N),
            ("warm Paused", PausedPool, SandboxFleet.DefaultParallelism, N), ("cold", (string?)null, SandboxFleet.DefaultParallelism, N),
            (Storm, RunningPool, SandboxFleet.DefaultParallelism, 4 * N),
        }.Where(p => p.Item1 != Storm || N <= MaxStormPool))
        {
            var phase = await ClaimPhaseAsync(ns, label, pool, parallelism, count, watcher, simulator, operatorProcess, ct);
            await PoolsReadyAsync(ns, operatorProcess, ct);
            phases.Add(phase with { RefilledSeconds = (DateTimeOffset.UtcNow - phase.End).TotalSeconds });
            await Task.Delay(Settle, ct);
        }

        await operatorProcess.StopAsync();
        var requests = simulator.GetRequests();
        await File.WriteAllLinesAsync(
            Path.Combine(settings.OutputDirectory, "requests-claims.csv"),
            ["time,method,path,status,fault", .. requests.Select(r => FormattableString.Invariant($"{r.Time:O},{r.Method},{r.Path},{r.Status},{r.Fault}"))],
            ct);
        // How each claim got to Ready (a Binding or refusal first shows here), with when the watch saw each state.
        await File.WriteAllLinesAsync(
            Path.Combine(settings.OutputDirectory, "claims-seen.csv"),
            ["time,claim,ready,reason,sandbox", .. watcher.Seen.OrderBy(kv => kv.Value).Select(kv => FormattableString.Invariant($"{kv.Value:O},{kv.Key.Claim},{kv.Key.Status},{kv.Key.Reason},{kv.Key.Sandbox}"))],
            ct);
        await Kubernetes.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: ct);
        return new ClaimsResult
        {
            Claims = N,
            Phases = [.. phases.Select(p => p with { Calls = RequestStatistics.CountBetween(requests, p.Start, p.End), CallsOnClaimedServices = OnServices(requests, p) })],
            HoldCalls = RequestStatistics.CountBetween(requests, tHold, tHoldEnd),
            PooledSandboxHours = 2 * N * (tHoldEnd - tHold).TotalHours * settings.TimeScale,
            Throttled = requests.Count(r => r.Status == 429),
            WallTime = wall.Elapsed,
        };
    }

    /// <summary>
    /// Creates N claims, <paramref name="parallelism"/> at a time (1: each waits for the one before it to be Ready, so
    /// nothing but the operator's own path is measured), and waits until all are Ready; latencies from each create call.
    /// </summary>
    private async Task<ClaimPhaseResult> ClaimPhaseAsync(
        string ns, string label, string? pool, int parallelism, int count, ClaimWatcher watcher, SimulatorHost simulator, OperatorProcess operatorProcess, CancellationToken ct)
    {
        var prefix = (pool ?? "cold") + (parallelism == 1 ? "-serial" : "") + (label == Storm ? "-storm" : "");
        var names = SandboxFleet.Names($"claim-{prefix}", count);
        var sentAt = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var start = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (name, c) =>
        {
            sentAt[name] = DateTimeOffset.UtcNow;
            await Client(SandboxClaim.Plural).CreateNamespacedAsync(
                new SandboxClaim
                {
                    Metadata = new V1ObjectMeta { Name = name },
                    Spec = new SandboxClaimSpec
                    {
                        WarmPoolRef = pool is null ? null : new PoolReference { Name = pool },
                        TemplateRef = pool is null ? new TemplateReference { Name = TemplateName } : null,
                    },
                },
                ns,
                c);
            if (parallelism == 1)
            {
                await BenchRig.UntilAsync(_ => Task.FromResult(watcher.ReadyAt.ContainsKey(name)), Timeout, $"{label} claim {name} Ready", operatorProcess, c);
            }
        });
        var createsReturned = DateTimeOffset.UtcNow;
        await BenchRig.UntilAsync(_ => Task.FromResult(names.All(watcher.ReadyAt.ContainsKey)), Timeout, $"all {count} {label} claims Ready", operatorProcess, ct);
        var end = names.Max(n => watcher.ReadyAt[n]);
        var claims = (await Client(SandboxClaim.Plural).ListNamespacedAsync<SandboxClaimList>(ns, cancel: ct)).Items.Where(c => names.Contains(c.Metadata.Name)).ToList();
        var sandboxes = (await Client(Sandbox.Plural).ListNamespacedAsync<SandboxList>(ns, cancel: ct)).Items.ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal);
        var services = simulator.GetState().Services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var serviceOf = claims.ToDictionary(c => c.Metadata.Name, c => c.Status?.SandboxName is { } s && sandboxes.TryGetValue(s, out var sb) ? sb.Status?.ServiceId : null, StringComparer.Ordinal);
        Report($"{label}: all {count} Ready {(end - start).TotalSeconds:F1} s after the first create (the last create call returned after {(createsReturned - start).TotalSeconds:F2} s); launch types {string.Join(",", claims.GroupBy(c => c.Status?.LaunchType).Select(g => $"{g.Key}={g.Count()}"))}");
        return new ClaimPhaseResult
        {
            Label = label,
            Claims = count,
            Start = start,
            End = end,
            ReadySeconds = [.. names.Select(n => (watcher.ReadyAt[n] - sentAt[n]).TotalSeconds)],
            AfterDeploymentSeconds =
            [
                .. names.Where(n => serviceOf.GetValueOrDefault(n) is { } id && services.GetValueOrDefault(id)?.DeploymentFinishedAt is not null)
                    .Select(n => (watcher.ReadyAt[n] - services[serviceOf[n]!].DeploymentFinishedAt!.Value).TotalSeconds),
            ],
            LaunchTypes = claims.GroupBy(c => c.Status?.LaunchType ?? "none").ToDictionary(g => g.Key, g => g.Count()),
            ServiceIds = [.. serviceOf.Values.OfType<string>()],
        };
    }

    /// <summary>Calls in the phase naming one of its claims' services in their path (so neither lists nor the pools' refills).</summary>
    private static int OnServices(IReadOnlyList<RequestRecord> requests, ClaimPhaseResult phase)
    {
        var ids = phase.ServiceIds.ToHashSet(StringComparer.Ordinal);
        return requests.Count(r => r.Time >= phase.Start && r.Time < phase.End && r.Path.Split('/').Any(ids.Contains));
    }

    private Task<SandboxWarmPool> CreatePoolAsync(string ns, string name, string tier, CancellationToken ct) =>
        Client(SandboxWarmPool.Plural).CreateNamespacedAsync(
            new SandboxWarmPool
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = TemplateName }, Replicas = N, Tier = tier },
            },
            ns,
            ct);

    private Task PoolsReadyAsync(string ns, OperatorProcess operatorProcess, CancellationToken ct) => BenchRig.UntilAsync(
        async c =>
        {
            var pools = (await Client(SandboxWarmPool.Plural).ListNamespacedAsync<SandboxWarmPoolList>(ns, cancel: c)).Items;
            return pools.Count == 2 && pools.All(p => p.Status is { } s && s.ReadyReplicas == N && s.Replicas == N
                && s.Conditions?.Any(x => x is { Type: ConditionTypes.Ready, Status: "True" }) == true);
        },
        Timeout,
        "both pools Ready",
        operatorProcess,
        ct);

    private static void Report(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] claims: {message}");
}
