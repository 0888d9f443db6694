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
/// One benchmark run for N sandboxes and one observation mode, each with a fresh namespace, simulator (so its request
/// log and rate-limit windows start empty) and operator process: create all, wait until all are Ready, hold the
/// steady state, delete all, wait until Northflank holds nothing.
/// </summary>
internal sealed class Scenario(LocalControlPlane controlPlane, BenchSettings settings, int sandboxes, ObservationMode mode)
{

    // Calls right after the last Ready (e.g. a GET confirming a write) belong to creation, not to the steady state.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private readonly int requestsPerHour = settings.RequestsPerHour ?? BenchSettings.RequestsPerHourFor(sandboxes);

    private string ModeFlag => mode.ToString().ToLowerInvariant();

    // Generous: only a broken operator should hit these; a slow machine just makes the run longer.
    private TimeSpan ReadyTimeout => TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(sandboxes * 0.5);

    private TimeSpan GoneTimeout => TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(sandboxes * 0.5);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var kubernetes = controlPlane.AdminClient;
        var ns = await NewNamespaceAsync(kubernetes, ct);
        await using var simulator = await SimulatorHost.StartAsync(BenchRig.Simulator(settings, requestsPerHour), ct);
        await using var operatorProcess = OperatorProcess.Start($"operator-{sandboxes}-{ModeFlag}", BenchRig.OperatorArguments(settings, controlPlane, simulator, ns, ModeFlag, requestsPerHour), settings.OutputDirectory);
        using var http = new HttpClient();
        var health = await operatorProcess.WaitForHealthAddressAsync(TimeSpan.FromSeconds(60), ct);
        await using var watcher = SandboxWatcher.Start(kubernetes, ns);
        Task<OperatorMetrics> ScrapeAsync() => OperatorMetrics.ScrapeAsync(http, health, ct);

        // Create -> all Ready.
        var names = SandboxFleet.Names("sbx", sandboxes);
        var m0 = await ScrapeAsync();
        var t0 = DateTimeOffset.UtcNow;
        await SandboxFleet.CreateAsync(kubernetes, ns, names.Select(SandboxFleet.Minimal), ct: ct);
        Report($"{sandboxes} Sandboxes created in {(DateTimeOffset.UtcNow - t0).TotalSeconds:F1} s; waiting until all are Ready");
        await BenchRig.UntilAsync(_ => Task.FromResult(watcher.ReadyAt.Count >= sandboxes), ReadyTimeout, $"all {sandboxes} Sandboxes are Ready", operatorProcess, ct);
        var tReady = watcher.ReadyAt.Values.Max();
        var m1 = await ScrapeAsync();
        Report($"all Ready {(tReady - t0).TotalSeconds:F1} s after the first create; holding the steady state {settings.SteadyHours} simulated h = {settings.SteadyHold.TotalSeconds:F0} s");

        // Steady state.
        await Task.Delay(Settle, ct);
        var tSteady = DateTimeOffset.UtcNow;
        var m2 = await ScrapeAsync();
        await Task.Delay(settings.SteadyHold, ct);
        var tSteadyEnd = DateTimeOffset.UtcNow;
        var m3 = await ScrapeAsync();
        using var client = SandboxFleet.Client(kubernetes);
        var listed = (await client.ListNamespacedAsync<SandboxList>(ns, cancel: ct)).Items;
        var lags = ReadyLags(listed, simulator.GetState(), watcher);
        var services = DeleteLatencies.ServicesOf(listed);

        // Delete -> Northflank empty.
        var tDelete = DateTimeOffset.UtcNow;
        var tGone = await DeleteAllAsync(kubernetes, ns, simulator, operatorProcess, ct);
        Report($"all gone {(tGone - tSteadyEnd).TotalSeconds:F1} s after the delete");
        var m4 = await ScrapeAsync();
        var peakMemory = operatorProcess.PeakMemoryBytes();
        await operatorProcess.StopAsync();

        var requests = simulator.GetRequests();
        // Next to the operator's log, whose Information level shows no single call: explaining a latency needs them.
        await File.WriteAllLinesAsync(Path.Combine(settings.OutputDirectory, $"requests-{sandboxes}-{ModeFlag}.csv"), RequestLines(requests), ct);
        await kubernetes.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: ct);
        return Result(requests, new Marks(t0, tReady, tSteady, tSteadyEnd, tGone), [m0, m1, m2, m3, m4], lags, peakMemory, wall.Elapsed) with
        {
            DeleteLatencySeconds = DeleteLatencies.FromDeleteCall(tDelete, names, watcher),
            GoneAfterNorthflankSeconds = DeleteLatencies.FromNorthflank(services, simulator.GetState(), watcher),
        };
    }

    /// <summary>When each phase began and ended: creates sent, all Ready, hold begun, hold ended, all gone.</summary>
    private sealed record Marks(DateTimeOffset Start, DateTimeOffset Ready, DateTimeOffset Steady, DateTimeOffset SteadyEnd, DateTimeOffset Gone);

    private async Task<string> NewNamespaceAsync(IKubernetes kubernetes, CancellationToken ct)
    {
        var ns = await controlPlane.CreateNamespaceAsync($"bench-{sandboxes}-{ModeFlag}", ct);
        await BenchRig.CreateCredentialsAsync(kubernetes, ns, ct);
        return ns;
    }

    /// <summary>Deletes every Sandbox with one call; returns when neither they nor their services are left.</summary>
    private async Task<DateTimeOffset> DeleteAllAsync(IKubernetes kubernetes, string ns, SimulatorHost simulator, OperatorProcess operatorProcess, CancellationToken ct)
    {
        await SandboxFleet.DeleteAllAsync(kubernetes, ns, ct);
        await BenchRig.UntilAsync(
            async c => simulator.GetState().Services.Count == 0 && await SandboxFleet.CountAsync(kubernetes, ns, c) == 0,
            GoneTimeout,
            "every Sandbox and Northflank service is gone",
            operatorProcess,
            ct);
        return DateTimeOffset.UtcNow;
    }

    /// <summary>The calls and rates of one run, from the simulator's request log and the five metric scrapes at the phase boundaries.</summary>
    private ScenarioResult Result(IReadOnlyList<RequestRecord> requests, Marks t, OperatorMetrics[] m, IReadOnlyList<double> readyLags, long? peakMemory, TimeSpan wall) => new()
    {
        Sandboxes = sandboxes,
        Mode = mode,
        RequestsPerHour = requestsPerHour,
        CreateCalls = RequestStatistics.CountBetween(requests, DateTimeOffset.MinValue, t.Steady),
        SteadyCalls = RequestStatistics.CountBetween(requests, t.Steady, t.SteadyEnd),
        DeleteCalls = RequestStatistics.CountBetween(requests, t.SteadyEnd, DateTimeOffset.MaxValue),
        // Batched looks at the compressed intervals, so its hold counts as simulated hours; naive looks every 30 s of
        // real time whatever the flags say, so its hold counts as the real hours it lasted.
        SteadySandboxHours = sandboxes * (t.SteadyEnd - t.Steady).TotalHours * (mode == ObservationMode.Naive ? 1 : settings.TimeScale),
        Throttled = requests.Count(r => r.Status == 429),
        PeakCallsPerWindow = RequestStatistics.MaxInAnyWindow(requests, TimeSpan.FromHours(1) / settings.TimeScale),
        OperatorCountedCalls = m[4]["northflank_requests_total"],
        ReadyLagSeconds = readyLags,
        CreateReconcilesPerSecond = (m[1]["operator_reconciles_total"] - m[0]["operator_reconciles_total"]) / Math.Max(0.001, (t.Ready - t.Start).TotalSeconds),
        SteadyReconcilesPerSecond = (m[3]["operator_reconciles_total"] - m[2]["operator_reconciles_total"]) / Math.Max(0.001, (t.SteadyEnd - t.Steady).TotalSeconds),
        PeakMemoryBytes = peakMemory,
        CreateToReady = t.Ready - t.Start,
        DeleteToGone = t.Gone - t.SteadyEnd,
        WallTime = wall,
    };

    /// <summary>For each Sandbox: its first Ready=True minus when the simulator finished its service's deployment.</summary>
    private static IReadOnlyList<double> ReadyLags(IEnumerable<Sandbox> listed, SimulatorStateSnapshot state, SandboxWatcher watcher)
    {
        var finished = state.Services.ToDictionary(s => s.Id, s => s.DeploymentFinishedAt, StringComparer.Ordinal);
        return
        [
            .. listed
                .Where(s => s.Status?.ServiceId is { } id && finished.GetValueOrDefault(id) is not null && watcher.ReadyAt.ContainsKey(s.Metadata.Name))
                .Select(s => (watcher.ReadyAt[s.Metadata.Name] - finished[s.Status!.ServiceId!]!.Value).TotalSeconds),
        ];
    }

    private static IEnumerable<string> RequestLines(IEnumerable<RequestRecord> requests) =>
        ["time,method,path,status,fault", .. requests.Select(r => FormattableString.Invariant($"{r.Time:O},{r.Method},{r.Path},{r.Status},{r.Fault}"))];

    private void Report(string message) =>
        Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] N={sandboxes} {ModeFlag}: {message}");
}
