using System.Diagnostics;
using System.Text;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// The operator's memory with and without many Secrets that no Sandbox uses, in the namespace it watches, shaped like
/// the Helm release Secrets every cluster holds. Each sample is taken the same way: the operator has reconciled every
/// Sandbox (so its caches are synced and each referenced Secret was read), then stood still for a few seconds.
/// </summary>
internal sealed class SecretsMemoryScenario(LocalControlPlane controlPlane, BenchSettings settings)
{
    private const string CredentialsName = "northflank-credentials";
    private const string ReferencedName = "agent-keys";
    private const int Sandboxes = 10;

    // Long enough for the start-up burst to end; the peak (VmHWM) keeps what a shorter look would have seen.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private IKubernetes Kubernetes => controlPlane.AdminClient;

    public async Task<SecretsMemoryResult> RunAsync(CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var ns = await controlPlane.CreateNamespaceAsync("bench-secrets", ct);
        await CreateSecretAsync(ns, CredentialsName, "token", Encoding.UTF8.GetBytes(SimulatorOptions.DefaultDevelopmentToken), ct);
        await CreateSecretAsync(ns, ReferencedName, "api-key", "v0"u8.ToArray(), ct);
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions(), ct);
        using var run = new Run(ns, simulator, controlPlane, settings);

        // Every measured operator starts on the same settled fleet, created once by this one.
        await using (var setup = await run.StartAsync("secrets-setup", null, ct))
        {
            await using var watcher = SandboxWatcher.Start(Kubernetes, ns);
            await SandboxFleet.CreateAsync(Kubernetes, ns, SandboxFleet.Names("sbx", Sandboxes).Select(ReadingASecret), ct: ct);
            await Poll.UntilAsync(_ => Task.FromResult(watcher.ReadyAt.Count >= Sandboxes), Timeout, "the Sandboxes to be Ready", ct);
        }

        var baselineWithout = settings.BaselineOperator is { } old ? await run.MeasureFreshAsync("secrets-baseline-without", old, ct) : null;
        await using var running = await run.StartAsync("secrets-running", null, ct);
        // The same work before both samples of this process (the catch-up check below updates every service), so that
        // only the Secrets tell them apart.
        await UntilWatchCaughtUpAsync(ns, simulator, "djE=", ct);
        var without = await run.SampleAsync(running, ct);
        var create = Stopwatch.StartNew();
        await CreateUnrelatedSecretsAsync(ns, ct);
        var createTime = create.Elapsed;
        Report($"{settings.UnrelatedSecrets} Secrets of {settings.SecretSizeKiB} KiB created in {createTime.TotalSeconds:F0} s");
        await UntilWatchCaughtUpAsync(ns, simulator, "djI=", ct);
        var byWatch = await run.SampleAsync(running, ct);
        await running.StopAsync();
        var atStart = await run.MeasureFreshAsync("secrets-with", null, ct);
        var baselineWith = settings.BaselineOperator is { } again ? await run.MeasureFreshAsync("secrets-baseline-with", again, ct) : null;

        await using (var cleanup = await run.StartAsync("secrets-cleanup", null, ct))
        {
            await SandboxFleet.DeleteAllAsync(Kubernetes, ns, ct);
            await Poll.UntilAsync(async c => await SandboxFleet.CountAsync(Kubernetes, ns, c) == 0, Timeout, "the Sandboxes to be gone", ct);
        }

        await Kubernetes.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: ct);
        return new SecretsMemoryResult
        {
            UnrelatedSecrets = settings.UnrelatedSecrets,
            SecretSizeKiB = settings.SecretSizeKiB,
            Sandboxes = Sandboxes,
            Without = without,
            WithByWatch = byWatch,
            WithAtStart = atStart,
            Baseline = settings.BaselineOperator,
            BaselineWithout = baselineWithout,
            BaselineWith = baselineWith,
            CreateSecretsTime = createTime,
            WallTime = wall.Elapsed,
        };
    }

    private static Sandbox ReadingASecret(string name)
    {
        var sandbox = SandboxFleet.Minimal(name);
        sandbox.Spec.Env = [new SandboxEnvVar { Name = "API_KEY", ValueFrom = new EnvVarSource { SecretKeyRef = new KeySelector { Name = ReferencedName, Key = "api-key" } } }];
        return sandbox;
    }

    private Task CreateSecretAsync(string ns, string name, string key, byte[] value, CancellationToken ct) =>
        Kubernetes.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, byte[]> { [key] = value } }, ns, cancellationToken: ct);

    /// <summary>Helm release Secrets: name, labels and type as Helm 3 writes them, random (incompressible) data.</summary>
    private async Task CreateUnrelatedSecretsAsync(string ns, CancellationToken ct)
    {
        var payload = new byte[settings.SecretSizeKiB * 1024];
        new Random(42).NextBytes(payload);
        var created = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(1, settings.UnrelatedSecrets),
            new ParallelOptions { MaxDegreeOfParallelism = SandboxFleet.DefaultParallelism, CancellationToken = ct },
            async (i, c) =>
            {
                var release = $"app-{i:D5}";
                await Kubernetes.CoreV1.CreateNamespacedSecretAsync(
                    new V1Secret
                    {
                        Metadata = new V1ObjectMeta
                        {
                            Name = $"sh.helm.release.v1.{release}.v1",
                            Labels = new Dictionary<string, string> { ["owner"] = "helm", ["name"] = release, ["status"] = "deployed", ["version"] = "1" },
                        },
                        Type = "helm.sh/release.v1",
                        Data = new Dictionary<string, byte[]> { ["release"] = payload },
                    },
                    ns,
                    cancellationToken: c);
                if (Interlocked.Increment(ref created) % 2000 == 0)
                {
                    Report($"{created} Secrets created");
                }
            });
    }

    /// <summary>
    /// Changes the Secret the Sandboxes read and waits until Northflank has redeployed each: the watch delivers events
    /// in order, so the operator has then seen every Secret created before it.
    /// </summary>
    private async Task UntilWatchCaughtUpAsync(string ns, SimulatorHost simulator, string base64Value, CancellationToken ct)
    {
        var before = simulator.GetState().Services.ToDictionary(s => s.Id, s => s.DeploymentCount, StringComparer.Ordinal);
        var patch = new V1Patch(System.Text.Json.JsonSerializer.Serialize(new { data = new Dictionary<string, string> { ["api-key"] = base64Value } }), V1Patch.PatchType.MergePatch);
        await Kubernetes.CoreV1.PatchNamespacedSecretAsync(patch, ReferencedName, ns, cancellationToken: ct);
        await Poll.UntilAsync(
            _ => Task.FromResult(simulator.GetState().Services.All(s => s.DeploymentCount > before.GetValueOrDefault(s.Id, int.MaxValue))),
            Timeout,
            "the changed Secret to reach every Sandbox's service",
            ct);
    }

    private static void Report(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] secrets: {message}");

    /// <summary>Operator processes on one namespace and simulator.</summary>
    private sealed class Run(string ns, SimulatorHost simulator, LocalControlPlane controlPlane, BenchSettings settings) : IDisposable
    {
        private readonly HttpClient http = new();
        private readonly Dictionary<OperatorProcess, Uri> health = [];

        public void Dispose() => http.Dispose();

        /// <summary>Starts an operator (this build, or <paramref name="assembly"/>) and waits until it serves /metrics.</summary>
        public async Task<OperatorProcess> StartAsync(string name, string? assembly, CancellationToken ct)
        {
            var process = assembly is null
                ? OperatorProcess.Start(name, Arguments(), settings.OutputDirectory)
                : OperatorProcess.Start(name, Arguments(), settings.OutputDirectory, assembly);
            var health = await process.WaitForHealthAddressAsync(TimeSpan.FromSeconds(60), ct);
            this.health[process] = health;
            return process;
        }

        /// <summary>A fresh operator's sample, then it stops.</summary>
        public async Task<MemorySample> MeasureFreshAsync(string name, string? assembly, CancellationToken ct)
        {
            await using var process = await StartAsync(name, assembly, ct);
            return await SampleAsync(process, ct);
        }

        /// <summary>Once the operator has reconciled every Sandbox (its caches synced) and then stood still.</summary>
        public async Task<MemorySample> SampleAsync(OperatorProcess process, CancellationToken ct)
        {
            var health = this.health[process];
            await Poll.UntilAsync(
                async c => (await OperatorMetrics.ScrapeAsync(http, health, c))["operator_reconciles_total"] >= Sandboxes,
                Timeout,
                "the operator to reconcile every Sandbox",
                ct);
            await Task.Delay(Settle, ct);
            var sample = new MemorySample(process.ResidentMemoryBytes(), process.PeakMemoryBytes());
            Report($"{Path.GetFileNameWithoutExtension(process.LogPath)}: resident {sample.ResidentMiB:F0} MiB, peak {sample.PeakMiB:F0} MiB");
            return sample;
        }

        private List<string> Arguments() =>
        [
            "--kubeconfig", controlPlane.AdminKubeconfigPath,
            "--northflank-url", simulator.BaseUrl.ToString(),
            "--default-project", SimulatorOptions.DefaultProjectId,
            "--credentials-secret", $"{ns}/{CredentialsName}",
            "--namespaces", ns,
            "--pod-namespace", ns,
            "--cluster-id", "bench",
            "--leader-election", "false",
            "--health-address", "http://127.0.0.1:0",
            .. settings.ExtraOperatorArguments,
        ];
    }
}
