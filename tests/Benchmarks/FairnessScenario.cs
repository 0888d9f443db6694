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
/// One namespace must not starve another on a shared token, at real speed (no time compression): a
/// ClusterNorthflankConfig shared by namespaces A and B, at the simulator's default limit (1000 an hour) and deployment
/// time; a SandboxWarmPool of N (150) in A is created, and at once, one after the other, single Sandboxes in B are
/// created, waited for until Ready, and deleted. Per try: Ready minus its deployment's completion, and Ready minus its
/// creation minus the deployment's own duration (what the operator added; the target is 5 s at p95). With
/// <c>--baseline-operator</c>, another build is measured the same way after this one.
/// </summary>
internal sealed class FairnessScenario(LocalControlPlane controlPlane, BenchSettings settings)
{
    private const string TemplateName = "agent";
    private const string PoolName = "burst";

    // A try waits as long as the old FIFO line could make it (150 creates at 4 s each is 10 minutes), and no longer.
    private static readonly TimeSpan TryTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan PoolFillTimeout = TimeSpan.FromMinutes(3);

    private IKubernetes Kubernetes => controlPlane.AdminClient;

    public async Task<FairnessResult> RunAsync(CancellationToken ct)
    {
        var runs = new List<FairnessRun> { await RunOnceAsync("this build", null, ct) };
        if (settings.BaselineOperator is { } baseline)
        {
            runs.Add(await RunOnceAsync($"baseline ({Path.GetDirectoryName(baseline)})", baseline, ct));
        }

        return new FairnessResult { Pool = settings.FairnessPool, Tries = settings.FairnessTries, Runs = runs };
    }

    private async Task<FairnessRun> RunOnceAsync(string label, string? assembly, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var tag = assembly is null ? "fairness" : "fairness-baseline";
        var admin = await controlPlane.CreateNamespaceAsync("bench-fair-admin", ct);
        var a = await controlPlane.CreateNamespaceAsync("bench-fair-a", ct);
        var b = await controlPlane.CreateNamespaceAsync("bench-fair-b", ct);
        await BenchRig.CreateCredentialsAsync(Kubernetes, admin, ct);
        var config = await CreateSharedConfigAsync(admin, a, b, ct);

        // Real speed: Northflank's default 1000 an hour, the simulator's default deployment (PENDING then IN_PROGRESS).
        var options = new SimulatorOptions();
        var deployment = options.Deployment.PendingDuration + options.Deployment.InProgressDuration;
        await using var simulator = await SimulatorHost.StartAsync(options, ct);
        List<string> arguments =
        [
            .. BenchRig.OperatorArguments(settings with { TimeScale = 1 }, controlPlane, simulator, admin, "batched", options.RateLimit.Limit),
            "--namespaces", $"{a},{b}",
            "--default-config", config,
        ];
        await using var operatorProcess = assembly is null
            ? OperatorProcess.Start($"operator-{tag}", arguments, settings.OutputDirectory)
            : OperatorProcess.Start($"operator-{tag}", arguments, settings.OutputDirectory, assembly);
        await operatorProcess.WaitForHealthAddressAsync(TimeSpan.FromSeconds(60), ct);
        await using var watchA = SandboxWatcher.Start(Kubernetes, a);
        await using var watchB = SandboxWatcher.Start(Kubernetes, b);

        await CreatePoolAsync(a, ct);
        var poolCreated = DateTimeOffset.UtcNow;
        Report(label, $"pool of {settings.FairnessPool} created in {a}; {settings.FairnessTries} single Sandboxes in {b}, one after the other");
        var tries = new List<FairnessTry>();
        for (var i = 1; i <= settings.FairnessTries; i++)
        {
            var one = await TryAsync(label, b, i, watchA, watchB, simulator, operatorProcess, ct);
            tries.Add(one);
            Report(label, $"try {i}: Ready {(one.ReadyAt - one.CreatedAt).TotalSeconds:F1} s after its creation, {one.AfterDeploymentSeconds:F2} s after its deployment finished; pool {(one.DuringPoolFill ? "filling" : "full")}");
        }

        var filled = await PoolFilledAsync(watchA, ct);
        await operatorProcess.StopAsync();
        var requests = simulator.GetRequests();
        await File.WriteAllLinesAsync(
            Path.Combine(settings.OutputDirectory, $"requests-{tag}.csv"),
            ["time,method,path,status,fault", .. requests.Select(r => FormattableString.Invariant($"{r.Time:O},{r.Method},{r.Path},{r.Status},{r.Fault}"))],
            ct);
        foreach (var ns in new[] { a, b, admin })
        {
            await Kubernetes.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: ct);
        }

        return new FairnessRun
        {
            Label = label,
            DeploymentSeconds = deployment.TotalSeconds,
            Tries = tries,
            PoolFilledSeconds = filled is { } at ? (at - poolCreated).TotalSeconds : null,
            Calls = requests.Count,
            Throttled = requests.Count(r => r.Status == 429),
            WallTime = wall.Elapsed,
        };
    }

    /// <summary>One Sandbox in B: create, wait until Ready, delete, wait until gone.</summary>
    private async Task<FairnessTry> TryAsync(
        string label, string b, int i, SandboxWatcher watchA, SandboxWatcher watchB, SimulatorHost simulator, OperatorProcess operatorProcess, CancellationToken ct)
    {
        var name = $"solo-{i.ToString("D2", CultureInfo.InvariantCulture)}";
        using var client = SandboxFleet.Client(Kubernetes);
        var duringFill = watchA.ReadyAt.Count < settings.FairnessPool;
        var created = DateTimeOffset.UtcNow;
        await client.CreateNamespacedAsync(SandboxFleet.Minimal(name), b, ct);
        await BenchRig.UntilAsync(_ => Task.FromResult(watchB.ReadyAt.ContainsKey(name)), TryTimeout, $"{label}: {name} Ready", operatorProcess, ct);
        var sandbox = await client.ReadNamespacedAsync<Sandbox>(b, name, ct);
        var finished = simulator.GetState().Services.FirstOrDefault(s => s.Id == sandbox.Status?.ServiceId)?.DeploymentFinishedAt
            ?? throw new InvalidOperationException($"{name}'s service {sandbox.Status?.ServiceId} has no finished deployment");
        var throttled = watchB.ConditionsSeen.Keys.FirstOrDefault(c => c.Sandbox == name && c.Reason == ReadyReasons.Throttled);
        await client.DeleteNamespacedAsync<Sandbox>(b, name, ct);
        await BenchRig.UntilAsync(_ => Task.FromResult(watchB.DeletedAt.ContainsKey(name)), TryTimeout, $"{label}: {name} gone", operatorProcess, ct);
        return new FairnessTry
        {
            Name = name,
            CreatedAt = created,
            ReadyAt = watchB.ReadyAt[name],
            DeploymentFinishedAt = finished,
            DuringPoolFill = duringFill,
            ThrottledMessage = throttled == default ? null : watchB.FirstMessage(throttled),
        };
    }

    private async Task<DateTimeOffset?> PoolFilledAsync(SandboxWatcher watchA, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + PoolFillTimeout;
        while (watchA.ReadyAt.Count < settings.FairnessPool && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        return watchA.ReadyAt.Count >= settings.FairnessPool ? watchA.ReadyAt.Values.Max() : null;
    }

    private async Task<string> CreateSharedConfigAsync(string admin, string a, string b, CancellationToken ct)
    {
        using var client = new GenericClient(Kubernetes, Sandbox.Group, Sandbox.Version, ClusterNorthflankConfig.Plural, disposeClient: false);
        var config = new ClusterNorthflankConfig
        {
            // Cluster-scoped: named after the admin namespace, so a baseline run beside it gets its own.
            Metadata = new V1ObjectMeta { Name = $"shared-{admin}" },
            Spec = new ClusterNorthflankConfigSpec
            {
                Projects = [SimulatorOptions.DefaultProjectId],
                CredentialsSecretRef = new NamespacedSecretKeySelector { Namespace = admin, Name = "northflank-credentials" },
                Namespaces = [a, b],
            },
        };
        await client.CreateAsync(config, ct);
        return config.Metadata.Name;
    }

    private async Task CreatePoolAsync(string ns, CancellationToken ct)
    {
        await new GenericClient(Kubernetes, Sandbox.Group, Sandbox.Version, SandboxTemplate.Plural, disposeClient: false).CreateNamespacedAsync(
            new SandboxTemplate { Metadata = new V1ObjectMeta { Name = TemplateName }, Spec = new SandboxTemplateSpec { Image = "python:3.12-slim", Command = "sleep infinity" } }, ns, ct);
        await new GenericClient(Kubernetes, Sandbox.Group, Sandbox.Version, SandboxWarmPool.Plural, disposeClient: false).CreateNamespacedAsync(
            new SandboxWarmPool
            {
                Metadata = new V1ObjectMeta { Name = PoolName },
                Spec = new SandboxWarmPoolSpec { TemplateRef = new TemplateReference { Name = TemplateName }, Replicas = settings.FairnessPool, Tier = PoolTiers.Running },
            },
            ns,
            ct);
    }

    private static void Report(string label, string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] fairness, {label}: {message}");
}
