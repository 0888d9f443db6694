using System.Globalization;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.Crds;
using SandboxOperator.Api.V1Alpha1;
using TestInfra;

namespace Demo;

/// <summary>
/// The demo's steps in order, and the teardown of everything they started. Kubernetes is real (etcd,
/// kube-apiserver, kube-controller-manager), the operator is the real binary with real flags; only Northflank is the
/// simulator, so the demo needs no account and no network.
/// </summary>
internal sealed class DemoRun : IAsyncDisposable
{
    private const string Namespace = "demo";
    private const string CredentialsSecret = "northflank-credentials";
    private const string Project = SimulatorOptions.DefaultProjectId;

    // Northflank's default limit: the five example Sandboxes need about fifteen calls from create to gone (the deployment
    // states come from one shared service list), well inside the operator's burst, so the demo needs no raised limit.
    private const int RequestsPerHour = 1000;

    // Generous for 5 Sandboxes that each take ~7 s to deploy, so that only a real fault trips it on a busy machine.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan TableInterval = TimeSpan.FromSeconds(3);

    private LocalControlPlane? controlPlane;
    private SimulatorHost? simulator;
    private OperatorProcess? operatorProcess;

    private LocalControlPlane ControlPlane => controlPlane ?? throw new InvalidOperationException("control plane not started");

    private SimulatorHost Simulator => simulator ?? throw new InvalidOperationException("simulator not started");

    private OperatorProcess Operator => operatorProcess ?? throw new InvalidOperationException("operator not started");

    private Kubectl Kubectl => new(ControlPlane.AdminKubeconfigPath);

    public async Task RunAsync(CancellationToken ct)
    {
        await StartClusterAndNorthflankAsync(ct);
        await InstallCrdAndCredentialsAsync(ct);
        await StartOperatorAsync(ct);
        await ApplyExamplesAndWaitUntilReadyAsync(ct);
        await ShowResultAsync(ct);
        await DeleteEverythingAsync(ct);
    }

    private async Task StartClusterAndNorthflankAsync(CancellationToken ct)
    {
        Say.Step(1, "Start a local Kubernetes control plane and the Northflank API simulator");
        Say.Line("Starting etcd, kube-apiserver and kube-controller-manager on 127.0.0.1 (no kubelet: the operator never needs pods) ...");
        controlPlane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions(), ct);
        Say.Line($"Control plane ready at {ControlPlane.Server} in {ControlPlane.StartupTime.TotalSeconds:F1} s");

        // Real Northflank takes seconds to pull and start an image; these delays make the demo show that progress
        // (PENDING -> IN_PROGRESS -> COMPLETED) instead of everything turning Ready at once.
        var options = new SimulatorOptions();
        options.Deployment.PendingDuration = TimeSpan.FromSeconds(2);
        options.Deployment.InProgressDuration = TimeSpan.FromSeconds(5);
        options.RateLimit.Limit = RequestsPerHour;
        simulator = await SimulatorHost.StartAsync(options, ct);
        Say.Line($"Northflank simulator listening on {Simulator.BaseUrl} (in this process; each deployment: PENDING 2 s, IN_PROGRESS 5 s; {RequestsPerHour} requests/hour per token)");
    }

    private async Task InstallCrdAndCredentialsAsync(CancellationToken ct)
    {
        Say.Step(2, "Install the CRDs, the demo namespace and the Northflank credentials");
        Say.Line("kubectl apply --server-side -f crds/");
        Say.Block(await Kubectl.RunAsync(["apply", "--server-side", "-f", Path.Combine(RepositoryRoot.Path, "crds")], ct));
        await Kubectl.RunAsync(["wait", "--for=condition=Established", "--timeout=60s", .. Crds.All.Select(d => $"crd/{CrdBuilder.Build(d).Metadata.Name}")], ct);

        Say.Line($"kubectl create namespace {Namespace}");
        Say.Block(await Kubectl.RunAsync(["create", "namespace", Namespace], ct));

        // Created through the API rather than `kubectl create secret --from-literal`, which would put the token on a
        // command line that any local user can read in the process list.
        await ControlPlane.AdminClient.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = CredentialsSecret },
                StringData = new Dictionary<string, string> { ["token"] = SimulatorOptions.DefaultDevelopmentToken },
            },
            Namespace,
            cancellationToken: ct);
        Say.Line($"Secret {Namespace}/{CredentialsSecret} created: key 'token' holds the simulator's API token (value not shown)");
    }

    private async Task StartOperatorAsync(CancellationToken ct)
    {
        Say.Step(3, "Run the operator");
        // Under artifacts/ (git-ignored) rather than the control plane's temporary directory, so the log outlives the demo.
        var logDirectory = Path.Combine(RepositoryRoot.Path, "artifacts", "demo");
        Directory.CreateDirectory(logDirectory);
        File.Delete(Path.Combine(logDirectory, "operator.log")); // tether.sh appends: start each demo with a fresh log
        operatorProcess = OperatorProcess.Start(
            "operator",
            [
                "--kubeconfig", ControlPlane.AdminKubeconfigPath,
                "--northflank-url", Simulator.BaseUrl.ToString(),
                "--default-project", Project,
                "--credentials-secret", $"{Namespace}/{CredentialsSecret}",
                "--namespaces", Namespace,
                "--pod-namespace", Namespace,
                "--cluster-id", "demo",
                // One replica on a laptop: no Lease to wait for.
                "--leader-election", "false",
                // Look at deployments in progress every second so the table below moves with them.
                "--progress-poll-interval", "00:00:01",
                "--requests-per-hour", RequestsPerHour.ToString(CultureInfo.InvariantCulture),
                "--health-address", "http://127.0.0.1:0",
            ],
            logDirectory);
        var health = await Operator.WaitForHealthAddressAsync(TimeSpan.FromSeconds(60), ct);
        if (Operator.HasExited)
        {
            throw new DemoFailedException($"the operator exited at startup.\n{OperatorLogTail()}");
        }

        Say.Line($"Operator running: watching namespace '{Namespace}', leader election off, /healthz and /metrics on {health}");
        Say.Line($"Its log (JSON lines): {Operator.LogPath}");
    }

    private async Task ApplyExamplesAndWaitUntilReadyAsync(CancellationToken ct)
    {
        Say.Step(4, "Apply every example Sandbox and watch them become Ready");
        // Top directory only: examples/gitops/ holds manifests for a GitOps tool, not for kubectl.
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "examples"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        // One kubectl call for all files: each kubectl start costs about a second on a busy laptop.
        Say.Line($"kubectl apply -n {Namespace} {string.Join(' ', examples.Select(e => $"-f examples/{Path.GetFileName(e)}"))}");
        Say.Block(await Kubectl.RunAsync(["apply", "-n", Namespace, .. examples.SelectMany(e => new[] { "-f", e })], ct));

        using var sandboxes = SandboxClient();
        TimeSpan? lastTable = null;
        try
        {
            await Poll.UntilAsync(
                async c =>
                {
                    var list = await sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: c);
                    var allReady = list.Items.Count > 0 && list.Items.All(IsReady);
                    if (allReady || lastTable is null || Say.Elapsed - lastTable >= TableInterval)
                    {
                        lastTable = Say.Elapsed;
                        await PrintSandboxTableAsync(c);
                    }

                    return allReady;
                },
                ReadyTimeout,
                "every Sandbox is Ready",
                ct);
        }
        catch (TimeoutException)
        {
            var list = await sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: ct);
            var notReady = list.Items.Where(s => !IsReady(s)).Select(s => $"  {s.Metadata.Name}: {DescribeConditions(s)}");
            throw new DemoFailedException(
                $"not every Sandbox became Ready within {ReadyTimeout.TotalSeconds:F0} s. Not ready:\n{string.Join('\n', notReady)}\n" +
                OperatorLogTail());
        }

        Say.Line("Every Sandbox is Ready (the paused one with reason Paused: scaled to zero on purpose)");
    }

    private async Task ShowResultAsync(CancellationToken ct)
    {
        Say.Step(5, "What users get, and what Northflank now holds");
        using var sandboxes = SandboxClient();
        var list = await sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: ct);
        Say.Line("status.url of each Sandbox:");
        Say.Block(string.Join('\n', list.Items.Select(s => $"{s.Metadata.Name,-10} {s.Status?.Url ?? "(no public port)"}")));

        var state = Simulator.GetState();
        Say.Line($"Northflank (the simulator), project {Project}: {Reports.Count(state.Services.Count, "service")}, {Reports.Count(state.Volumes.Count, "volume")}");
        Say.Block(Reports.Northflank(state));
        Say.Line("(environment variables appear by name only; their values, like the token, are never shown)");
    }

    private async Task DeleteEverythingAsync(CancellationToken ct)
    {
        Say.Step(6, "Delete the Sandboxes: the operator removes what it created on Northflank");
        Say.Line($"kubectl delete sandboxes --all -n {Namespace}");
        // --wait=false so the demo reports progress itself instead of kubectl blocking silently on the finalizers.
        Say.Block(await Kubectl.RunAsync(["delete", "sandboxes", "--all", "-n", Namespace, "--wait=false"], ct));

        using var sandboxes = SandboxClient();
        var last = "";
        try
        {
            await Poll.UntilAsync(
                async c =>
                {
                    var left = (await sandboxes.ListNamespacedAsync<SandboxList>(Namespace, cancel: c)).Items.Count;
                    var state = Simulator.GetState();
                    var now = $"Kubernetes: {Reports.Count(left, "Sandbox")} left; Northflank: {Reports.Count(state.Services.Count, "service")}, {Reports.Count(state.Volumes.Count, "volume")}";
                    if (now != last)
                    {
                        Say.Line(now);
                        last = now;
                    }

                    return left == 0 && state.Services.Count == 0 && state.Volumes.Count == 0;
                },
                CleanupTimeout,
                "everything is deleted",
                ct);
        }
        catch (TimeoutException)
        {
            throw new DemoFailedException(
                $"cleanup did not finish within {CleanupTimeout.TotalSeconds:F0} s ({last})\n" +
                OperatorLogTail());
        }

        Say.Line("All Sandboxes are gone, and Northflank holds no services and no volumes");
        var calls = Simulator!.GetRequests();
        Say.Line($"Northflank API calls from first create to all gone: {calls.Count} for 5 Sandboxes " +
            $"({string.Join(", ", calls.GroupBy(c => c.Method).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))}; " +
            $"{calls.Count(c => c.Status == 429)} answered 429)");
    }

    /// <summary>Stops what was started, newest first, so nothing logs errors about a peer that vanished.</summary>
    public async ValueTask DisposeAsync()
    {
        if (operatorProcess is not null || simulator is not null || controlPlane is not null)
        {
            Say.Step(7, "Stop the operator, the simulator and the control plane");
        }

        if (operatorProcess is not null)
        {
            await operatorProcess.StopAsync();
            Say.Line("Operator stopped");
        }

        if (simulator is not null)
        {
            await simulator.DisposeAsync();
            Say.Line("Simulator stopped");
        }

        if (controlPlane is not null)
        {
            await controlPlane.DisposeAsync();
            Say.Line("Control plane stopped and its temporary files removed");
        }
    }

    private async Task PrintSandboxTableAsync(CancellationToken ct)
    {
        Say.Line($"kubectl get sandboxes -n {Namespace}");
        Say.Block(await Kubectl.RunAsync(["get", "sandboxes", "-n", Namespace], ct));
    }

    private GenericClient SandboxClient() =>
        new(ControlPlane.AdminClient, Sandbox.Group, Sandbox.Version, Sandbox.Plural, disposeClient: false);

    /// <summary>Ready=True for the current spec: a condition from an older generation does not count.</summary>
    private static bool IsReady(Sandbox sandbox) =>
        sandbox.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { Status: "True" } ready
        && ready.ObservedGeneration == sandbox.Metadata.Generation;

    private string OperatorLogTail() =>
        $"--- last lines of the operator log {Operator.LogPath} ---\n{Reports.OperatorLog(Operator.LogTail(30))}";

    private static string DescribeConditions(Sandbox sandbox) =>
        sandbox.Status?.Conditions is { Count: > 0 } conditions
            ? string.Join("; ", conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))
            : "no status yet";
}
