using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NorthflankSimulator;
using TestInfra;

namespace IntegrationTests.Node;

/// <summary>
/// The operator as users run it: its image (built by <c>make image</c>), its chart pushed to an OCI registry and
/// installed from <c>oci://</c> with only the README quick start's values (image and Northflank URL aside), as a pod on
/// a real node (kubelet, containerd, runc, CNI, kube-proxy) with the chart's own security context and probes, talking
/// to the API server through the <c>kubernetes</c> Service with its ServiceAccount's RBAC. One node for the fixture;
/// the tests run in order on the same install.
/// </summary>
[NonParallelizable]
public sealed class ChartOnNodeTests
{
    private const string Release = "sandbox-operator";
    private const string OperatorNamespace = "northflank-system";
    private const string UserNamespace = "team-a";
    private const int SimulatorPort = 18080;
    private const string FleetNamespace = "fleet";

    /// <summary>The memory test's fleet: the benchmark's largest size.</summary>
    private const int FleetSize = 1000;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan FleetTimeout = TimeSpan.FromMinutes(6);

    private readonly string helmHome = Path.Combine(Path.GetTempPath(), $"nso-node-helm-{Environment.ProcessId}");
    private NodeCluster cluster = null!;
    private TetheredProcess simulator = null!;
    private string chartVersion = "";
    private string image = "";

    private Dictionary<string, string> HelmEnvironment => new(StringComparer.Ordinal)
    {
        ["HELM_CACHE_HOME"] = Path.Combine(helmHome, "cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(helmHome, "config"),
        ["HELM_DATA_HOME"] = Path.Combine(helmHome, "data"),
    };

    private static string ImageStore => Path.Combine(RepositoryRoot.Path, "artifacts", "registry");

    [OneTimeSetUp]
    public async Task StartNodeAndPushChart()
    {
        var lastImage = Path.Combine(ImageStore, "last-image");
        Assert.That(File.Exists(lastImage), Is.True, $"no image in {ImageStore}: run `make image` first (make test does)");
        image = (await File.ReadAllTextAsync(lastImage)).Trim();
        var stopwatch = Stopwatch.StartNew();
        cluster = await NodeCluster.StartAsync(ImageStore);
        TestContext.Progress.WriteLine($"[node] cluster up in {stopwatch.Elapsed.TotalSeconds:F1} s (logs in {cluster.RunDirectory}/logs)");
        Assert.That(File.Exists(SimulatorDll), Is.True, $"the simulator's build output {SimulatorDll} is missing");
        simulator = cluster.StartServer("northflank-simulator", "dotnet",
        [
            SimulatorDll, "--urls", $"http://{cluster.NodeIp}:{SimulatorPort}",
            "--Simulator:Deployment:PendingDuration=00:00:00.2", "--Simulator:Deployment:InProgressDuration=00:00:00.6",
        ]);
        chartVersion = image[(image.LastIndexOf(':') + 1)..];
        var package = Path.Combine(helmHome, "charts");
        await HelmAsync("package", ChartDirectory, "--version", chartVersion, "--app-version", chartVersion, "-d", package);
        await HelmAsync("push", Path.Combine(package, $"northflank-sandbox-operator-{chartVersion}.tgz"), $"oci://{cluster.Registry}/charts", "--plain-http");
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        if (cluster is not null)
        {
            if (TestContext.CurrentContext.Result.FailCount > 0 || TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            {
                var pods = await cluster.RunAsync(Tools.Kubectl, ["get", "pods", "-A", "-o", "wide"]);
                var logs = await cluster.RunAsync(Tools.Kubectl, ["-n", OperatorNamespace, "logs", "-l", "app.kubernetes.io/name=northflank-sandbox-operator", "--tail=40", "--all-containers"]);
                TestContext.Out.WriteLine($"--- pods ---\n{pods.StandardOutput}\n--- operator logs ---\n{logs.StandardOutput}{logs.StandardError}");
                TestContext.Out.WriteLine($"--- simulator log ---\n{simulator?.LogTail(30)}");
            }

            await cluster.DisposeAsync();
        }

        try
        {
            Directory.Delete(helmHome, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Setup failed before helm ran.
        }
    }

    [Test]
    [Order(0)]
    public async Task The_image_runs_as_user_1654_and_has_no_shell()
    {
        const string MediaTypes = "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json";
        var url = $"http://{cluster.Registry}/v2/{image[..image.LastIndexOf(':')]}";
        var script = $"set -euo pipefail; m=$(curl -sfL -H 'Accept: {MediaTypes}' {url}/manifests/{image[(image.LastIndexOf(':') + 1)..]}); " +
            $"curl -sfL {url}/blobs/$(jq -r .config.digest <<<\"$m\") | jq -r .config.User; " +
            $"for d in $(jq -r '.layers[].digest' <<<\"$m\"); do curl -sfL {url}/blobs/$d | tar -tz; done | " +
            "grep -E '(^|/)(usr/)?s?bin/(sh|bash|dash|ash|busybox)$' || true";
        var result = await cluster.RunAsync("bash", ["-c", script]);
        Assert.That(result.Succeeded, Is.True, result.Describe());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("1654"), "the image's user, the chart's runAsUser");
            Assert.That(lines.Skip(1), Is.Empty, "a shell in the image");
        });
    }

    [Test]
    [Order(1)]
    public async Task Helm_install_from_the_oci_registry_gets_the_operator_pod_ready_through_its_probe()
    {
        await cluster.KubectlAsync("create", "namespace", OperatorNamespace);
        await cluster.KubectlAsync("-n", OperatorNamespace, "create", "secret", "generic", "northflank-credentials",
            $"--from-literal=token={SimulatorOptions.DefaultDevelopmentToken}");
        var stopwatch = Stopwatch.StartNew();
        await HelmAsync("install", Release, $"oci://{cluster.Registry}/charts/northflank-sandbox-operator", "--version", chartVersion,
            "--plain-http", "-n", OperatorNamespace,
            "--set", "credentials.existingSecret=northflank-credentials",
            "--set", $"operator.defaultProject={SimulatorOptions.DefaultProjectId}",
            "--set", $"image.repository={cluster.Registry}/{image[..image.LastIndexOf(':')]}",
            "--set", $"operator.northflankUrl=http://{cluster.NodeIp}:{SimulatorPort}");
        await WaitForOperatorReadyAsync(replicas: 1);
        TestContext.Progress.WriteLine($"[node] helm install to operator Ready: {stopwatch.Elapsed.TotalSeconds:F1} s");

        var pod = await OperatorPodsAsync();
        var container = pod[0].GetProperty("spec").GetProperty("containers")[0];
        Assert.Multiple(() =>
        {
            Assert.That(container.GetProperty("readinessProbe").GetProperty("httpGet").GetProperty("path").GetString(), Is.EqualTo("/readyz"));
            Assert.That(container.GetProperty("securityContext").GetProperty("readOnlyRootFilesystem").GetBoolean(), Is.True);
        });
    }

    [Test]
    [Order(2)]
    public async Task The_pod_reconciles_a_sandbox_against_the_simulator()
    {
        await cluster.KubectlAsync("create", "namespace", UserNamespace);
        await cluster.KubectlAsync("-n", UserNamespace, "apply", "-f", Path.Combine(RepositoryRoot.Path, "examples", "minimal.yaml"));
        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandbox/minimal", "--for=condition=Ready", "--timeout=120s");
    }

    [Test]
    [Order(2)]
    public async Task The_default_install_serves_exec_and_log_as_an_available_aggregated_api()
    {
        // The chart's APIService, its generated serving certificate and the pod's connect port, as users get them: the
        // API server reaches the pod and trusts it (Available), and discovery names the two subresources.
        await cluster.KubectlAsync("wait", "apiservice/v1alpha1.connect.sandbox.northflank.com", "--for=condition=Available", "--timeout=90s");
        var discovery = await cluster.KubectlAsync("get", "--raw", "/apis/connect.sandbox.northflank.com/v1alpha1");

        Assert.That(discovery, Does.Contain("sandboxes/exec").And.Contain("sandboxes/log"));
    }

    [Test]
    [Order(3)]
    public async Task The_plugin_execs_into_a_sandbox_and_reads_its_log_through_the_pod()
    {
        // kubectl sandbox → the node's API server → the operator pod's connect port → Northflank's exec and log (the
        // simulator), with the admin's kubeconfig: the remote exit code is the plugin's own.
        await cluster.KubectlAsync("wait", "apiservice/v1alpha1.connect.sandbox.northflank.com", "--for=condition=Available", "--timeout=90s");
        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandbox/minimal", "--for=condition=Ready", "--timeout=120s");
        var plugin = Tools.KubectlSandbox;

        var exec = await cluster.RunAsync(plugin, ["-n", UserNamespace, "exec", "minimal", "--", "sh", "-c", "echo from-the-node; exit 7"]);
        var logs = await cluster.RunAsync(plugin, ["-n", UserNamespace, "logs", "minimal", "--tail", "3"]);
        TestContext.Progress.WriteLine($"[node] kubectl sandbox exec → exit {exec.ExitCode}: {exec.StandardOutput.Trim()}; logs: {logs.StandardOutput.Split('\n').Length - 1} lines");

        Assert.Multiple(() =>
        {
            Assert.That(exec.ExitCode, Is.EqualTo(7), exec.Describe());
            Assert.That(exec.StandardOutput, Does.Contain("from-the-node"), exec.Describe());
            Assert.That(logs.Succeeded, Is.True, logs.Describe());
            Assert.That(logs.StandardOutput.Trim(), Is.Not.Empty, logs.Describe());
        });
    }

    [Test]
    [Order(3)]
    public async Task The_pod_fills_a_warm_pool_and_binds_a_claim_from_it()
    {
        // The examples as users apply them: the pool's and the claim's controllers run in the pod too, under its RBAC.
        foreach (var file in new[] { "template.yaml", "warm-pool.yaml", "claim.yaml" })
        {
            await cluster.KubectlAsync("-n", UserNamespace, "apply", "-f", Path.Combine(RepositoryRoot.Path, "examples", "on-demand", file));
        }

        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandboxclaim/task-42", "--for=condition=Ready", "--timeout=120s");
        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandboxwarmpool/python-agents", "--for=condition=Ready", "--timeout=120s");
    }

    [Test]
    [Order(4)]
    public async Task The_operator_survives_a_kill_of_its_container()
    {
        var containerId = (await OperatorPodsAsync())[0].GetProperty("status").GetProperty("containerStatuses")[0]
            .GetProperty("containerID").GetString()!.Split("://")[1];
        var killed = KillContainerProcesses(containerId);
        Assert.That(killed, Is.GreaterThan(0), $"no process found in the cgroup of container {containerId}");

        await Poll.UntilAsync(
            async _ => (await OperatorPodsAsync())[0].GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("restartCount").GetInt32() > 0,
            Timeout, "the kubelet restarts the killed container");
        await WaitForOperatorReadyAsync(replicas: 1);
        await ApplySandboxAsync("after-kill");
        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandbox/after-kill", "--for=condition=Ready", "--timeout=120s");
    }

    [Test]
    [Order(5)]
    public async Task The_operator_survives_a_restart_of_containerd_and_the_kubelet()
    {
        var before = (await OperatorPodsAsync()).Single();
        var restartsBefore = RestartCount(before);
        var doomedService = await ServiceIdAsync("after-kill");

        var stopwatch = Stopwatch.StartNew();
        var stopped = DateTimeOffset.UtcNow;
        var steps = await cluster.RestartNodeServicesAsync();
        var servicesBack = stopwatch.Elapsed;
        TestContext.Progress.WriteLine(steps);
        var kubeletBack = DateTimeOffset.UtcNow;

        // Ready again as the restarted kubelet reports it. Kubelet v1.20 holds a running container not Ready until its
        // first probe after the restart, and posts that unless the probe came first: either the Ready condition changed
        // after the stop (then Ready again when it did), or it stayed True, the restarted kubelet has posted the node's
        // status and two readiness periods went by without a change (then Ready all along, again once the kubelet was).
        var sawNotReady = false;
        var readyAgain = "";
        var toReady = TimeSpan.Zero;
        await Poll.UntilAsync(
            async _ =>
            {
                var pods = await OperatorPodsAsync();
                if (pods.Count != 1 || ReadyCondition(pods[0]) is not { } ready)
                {
                    return false;
                }

                if (ready.GetProperty("status").GetString() != "True")
                {
                    sawNotReady = true;
                    return false;
                }

                if (ready.GetProperty("lastTransitionTime").GetDateTimeOffset() >= WholeSecond(stopped))
                {
                    (readyAgain, toReady) = ("not Ready after the restart, then Ready once probed", stopwatch.Elapsed);
                    return true;
                }

                if (!sawNotReady && DateTimeOffset.UtcNow - kubeletBack > TimeSpan.FromSeconds(12) && await NodeHeartbeatAsync() >= WholeSecond(kubeletBack))
                {
                    (readyAgain, toReady) = ("Ready all along; the restarted kubelet kept it so", servicesBack);
                    return true;
                }

                return false;
            },
            Timeout, "the operator pod is Ready again, as the restarted kubelet reports it");

        var after = (await OperatorPodsAsync()).Single();
        var restartsAfter = RestartCount(after);
        TestContext.Progress.WriteLine(
            $"[node] restart of containerd and the kubelet: both back in {servicesBack.TotalSeconds:F1} s, operator pod Ready again " +
            $"{toReady.TotalSeconds:F1} s after the stop ({readyAgain}), " +
            $"same pod: {(PodName(after) == PodName(before) ? "yes" : "no")}, restartCount {restartsBefore} -> {restartsAfter}");
        Assert.That(after.GetProperty("status").GetProperty("phase").GetString(), Is.EqualTo("Running"));

        // It keeps reconciling: a new Sandbox becomes Ready, a deleted one goes with its Northflank service.
        await ApplySandboxAsync("after-restart");
        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandbox/after-restart", "--for=condition=Ready", "--timeout=120s");
        await cluster.KubectlAsync("-n", UserNamespace, "delete", "sandbox/after-kill", "--timeout=120s");
        await cluster.KubectlAsync("-n", UserNamespace, "wait", "sandboxes", "--all", "--for=condition=Ready", "--timeout=120s");
        var state = JsonDocument.Parse(await SimulatorGetAsync("/_sim/state")).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(state.GetProperty("services").EnumerateArray().Select(x => x.GetProperty("id").GetString()), Does.Not.Contain(doomedService),
                "the deleted Sandbox's service is gone from Northflank");
            Assert.That(state.GetProperty("deletedServices").EnumerateArray().Count(x => x.GetProperty("id").GetString() == doomedService), Is.EqualTo(1),
                "the deleted Sandbox's service was deleted once");
        });
        await AssertOneCreatePerSandboxAsync("across the node restart", alsoGone: [doomedService]);
    }

    [Test]
    [Order(6)]
    public async Task The_memory_limit_holds_under_a_fleet_of_sandboxes()
    {
        // The benchmark's load at real speed: the chart's default resources, but Northflank's default 1000 calls an
        // hour would spread a fleet's creates over hours, so the token's limit (operator and simulator) is raised,
        // as the benchmark raises it for N = 1000 (there by time compression).
        const int RequestsPerHour = 360_000;
        var limit = await cluster.RunAsync("curl", ["-sf", "-X", "PUT", "-H", "Content-Type: application/json",
            "--data", $"{{\"limit\": {RequestsPerHour}, \"window\": \"01:00:00\", \"timeScale\": 1, \"enabled\": true}}",
            $"http://{cluster.NodeIp}:{SimulatorPort}/_sim/rate-limit"]);
        Assert.That(limit.Succeeded, Is.True, $"raising the simulator's rate limit: {limit.Describe()}");
        await HelmAsync("upgrade", Release, $"oci://{cluster.Registry}/charts/northflank-sandbox-operator", "--version", chartVersion,
            "--plain-http", "-n", OperatorNamespace, "--reuse-values", "--set", $"operator.requestsPerHour={RequestsPerHour}");
        await Poll.UntilAsync(
            async _ => (await OperatorPodsAsync()) is { Count: 1 } pods &&
                pods[0].GetProperty("spec").GetProperty("containers")[0].GetProperty("args").EnumerateArray()
                    .Any(a => a.GetString() == $"--requests-per-hour={RequestsPerHour}"),
            Timeout, "the rollout replaced the pod by one with the raised limit");
        await WaitForOperatorReadyAsync(replicas: 1);
        var pod = (await OperatorPodsAsync()).Single();
        await Poll.UntilAsync(async _ => (await LeaseHolderAsync()).StartsWith(PodName(pod), StringComparison.Ordinal), Timeout, "the new pod leads");
        var values = await File.ReadAllTextAsync(Path.Combine(ChartDirectory, "values.yaml"));
        var resources = pod.GetProperty("spec").GetProperty("containers")[0].GetProperty("resources");
        Assert.Multiple(() =>
        {
            Assert.That(values, Does.Contain("  limits:\n    memory: 384Mi"), "the chart's default memory limit is the one this test names");
            Assert.That(resources.GetProperty("limits").GetProperty("memory").GetString(), Is.EqualTo("384Mi"), "the pod runs with the chart's default limit");
        });
        var restartsBefore = RestartCount(pod);
        var containerId = ContainerId(pod);

        await cluster.KubectlAsync("create", "namespace", FleetNamespace);
        var names = SandboxFleet.Names("fleet", FleetSize);
        var manifest = Path.Combine(helmHome, "fleet.yaml");
        await File.WriteAllTextAsync(manifest, string.Join("---\n", names.Select(n =>
            $"apiVersion: sandbox.northflank.com/v1alpha1\nkind: Sandbox\nmetadata:\n  name: {n}\n  namespace: {FleetNamespace}\n" +
            "spec:\n  image: python:3.12-slim\n  command: sleep infinity\n")));
        var stopwatch = Stopwatch.StartNew();
        var memory = ContainerMemoryCgroup(containerId);
        long rssPeak = 0;
        long SampleRss() => Directory.Exists(memory)
            ? rssPeak = Math.Max(rssPeak, ReadMemoryStat(memory, "total_rss"))
            : throw new AssertionException($"the operator's container {containerId} is gone mid-fleet (OOM-killed or restarted): {memory}");
        await cluster.KubectlAsync("create", "-f", manifest);
        var created = stopwatch.Elapsed;
        await Poll.UntilAsync(async _ => SampleRss() >= 0 && await FleetCountAsync(readyOnly: true) == FleetSize, FleetTimeout, $"all {FleetSize} Sandboxes are Ready");
        var allReady = stopwatch.Elapsed;

        stopwatch.Restart();
        await cluster.KubectlAsync("-n", FleetNamespace, "delete", "sandboxes", "--all", "--wait=false");
        await Poll.UntilAsync(async _ => SampleRss() >= 0 && await FleetCountAsync(readyOnly: false) == 0, FleetTimeout, $"all {FleetSize} Sandboxes are gone");
        var allGone = stopwatch.Elapsed;

        var peak = ReadCgroupNumber(memory, "memory.max_usage_in_bytes");
        var cgroupLimit = ReadCgroupNumber(memory, "memory.limit_in_bytes");
        var failures = ReadCgroupNumber(memory, "memory.failcnt");
        var oomKills = File.ReadAllLines(Path.Combine(memory, "memory.oom_control")).Select(l => l.Split(' ')).Where(f => f[0] == "oom_kill").Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).FirstOrDefault();
        var rss = ReadMemoryStat(memory, "total_rss");
        var after = (await OperatorPodsAsync()).Single();
        var status = after.GetProperty("status").GetProperty("containerStatuses")[0];
        var lastReason = status.GetProperty("lastState").TryGetProperty("terminated", out var terminated) ? terminated.GetProperty("reason").GetString() : null;
        TestContext.Progress.WriteLine(
            $"[node] fleet of {FleetSize} minimal Sandboxes: created in {created.TotalSeconds:F1} s, all Ready {allReady.TotalSeconds:F1} s after the first create, " +
            $"all gone {allGone.TotalSeconds:F1} s after the delete; operator container peak memory (cgroup memory.max_usage_in_bytes, page cache included) " +
            $"{peak / 1048576.0:F0} MiB of its {cgroupLimit / 1048576.0:F0} MiB limit = {(double)peak / cgroupLimit:F2}; rss (memory.stat, sampled while polling) peak {rssPeak / 1048576.0:F0} MiB = {(double)rssPeak / cgroupLimit:F2}, at the end {rss / 1048576.0:F0} MiB; " +
            $"limit hits (failcnt) {failures}, oom kills {oomKills}, restartCount {restartsBefore} -> {RestartCount(after)}");

        var leftovers = JsonDocument.Parse(await SimulatorGetAsync("/_sim/state")).RootElement.GetProperty("services").EnumerateArray()
            .Count(x => x.GetProperty("id").GetString()!.StartsWith("sbx-fleet-", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(cgroupLimit, Is.EqualTo(384L * 1024 * 1024), "the container's cgroup has the chart's limit");
            Assert.That(PodName(after), Is.EqualTo(PodName(pod)), "the same pod ran the whole fleet");
            Assert.That(RestartCount(after), Is.EqualTo(restartsBefore), "the container was not restarted");
            Assert.That(lastReason, Is.Not.EqualTo("OOMKilled"), "the container was OOM-killed");
            Assert.That(oomKills, Is.Zero, "the kernel's OOM killer ran in the container's cgroup");
            Assert.That(ContainerId(after), Is.EqualTo(containerId), "the same container ran the whole fleet");
            Assert.That(leftovers, Is.Zero, "fleet services left in Northflank");
        });
    }

    [Test]
    [Order(7)]
    public async Task Helm_upgrade_to_a_new_image_with_two_replicas_hands_leadership_over()
    {
        var oldLeader = await LeaseHolderAsync();
        Assert.That((await OperatorPodsAsync()).Any(p => oldLeader.StartsWith(PodName(p), StringComparison.Ordinal)), Is.True, $"the one pod leads before the upgrade, not {oldLeader}");
        var tag = image[(image.LastIndexOf(':') + 1)..];
        var newTag = $"{tag}-upgrade";
        await RetagAsync(image[..image.LastIndexOf(':')], tag, newTag);

        await HelmAsync("upgrade", Release, $"oci://{cluster.Registry}/charts/northflank-sandbox-operator", "--version", chartVersion,
            "--plain-http", "-n", OperatorNamespace, "--reuse-values", "--set", "replicaCount=2", "--set", $"image.tag={newTag}");
        await Poll.UntilAsync(
            async _ => (await OperatorPodsAsync()) is { Count: 2 } pods &&
                pods.All(p => p.GetProperty("spec").GetProperty("containers")[0].GetProperty("image").GetString()!.EndsWith(newTag, StringComparison.Ordinal)),
            Timeout, "the rollout replaced the old pod by two on the new image");
        await WaitForOperatorReadyAsync(replicas: 2);
        await Poll.UntilAsync(
            async _ =>
            {
                var holder = await LeaseHolderAsync();
                return (await OperatorPodsAsync()).Any(p => holder.StartsWith(PodName(p), StringComparison.Ordinal));
            },
            Timeout, "a new pod holds the lease");

        await ApplySandboxAsync("after-upgrade");
        var sandboxes = (await cluster.KubectlAsync("-n", UserNamespace, "get", "sandboxes", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var sandbox in sandboxes)
        {
            await cluster.KubectlAsync("-n", UserNamespace, "wait", sandbox, "--for=condition=Ready", "--timeout=120s");
        }

        await AssertOneCreatePerSandboxAsync("across the kill, the node restart, the fleet and the hand-over");
    }

    [Test]
    [Order(8)]
    public async Task Helm_uninstall_leaves_the_crds_and_the_sandboxes_alone()
    {
        await HelmAsync("uninstall", Release, "-n", OperatorNamespace, "--wait");
        var crds = await cluster.KubectlAsync("get", "crd", "-o", "name");
        var sandboxes = await cluster.KubectlAsync("-n", UserNamespace, "get", "sandboxes", "-o", "name");
        Assert.Multiple(() =>
        {
            Assert.That(crds, Does.Contain("sandboxes.sandbox.northflank.com"));
            Assert.That(sandboxes, Does.Contain("sandbox.sandbox.northflank.com/minimal"));
        });
    }

    private static string ChartDirectory => Path.Combine(RepositoryRoot.Path, "charts", "northflank-sandbox-operator");

    /// <summary>The simulator's own build output (process mode: it reads --urls), in this test build's configuration.</summary>
    private static string SimulatorDll
    {
        get
        {
            // AppContext.BaseDirectory is bin/<configuration>/net10.0/.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(RepositoryRoot.Path, "tests", "NorthflankSimulator", "bin", configuration, "net10.0", "NorthflankSimulator.dll");
        }
    }

    /// <summary>examples/minimal.yaml under another name.</summary>
    private async Task ApplySandboxAsync(string name)
    {
        var manifest = Path.Combine(helmHome, $"{name}.yaml");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "minimal.yaml")))
            .Replace("name: minimal", $"name: {name}", StringComparison.Ordinal));
        await cluster.KubectlAsync("-n", UserNamespace, "apply", "-f", manifest);
    }

    private static string PodName(JsonElement pod) => pod.GetProperty("metadata").GetProperty("name").GetString()!;

    private static int RestartCount(JsonElement pod) =>
        pod.GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("restartCount").GetInt32();

    private static string ContainerId(JsonElement pod) =>
        pod.GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("containerID").GetString()!.Split("://")[1];

    private static JsonElement? ReadyCondition(JsonElement pod) =>
        pod.GetProperty("status").TryGetProperty("conditions", out var conditions)
            ? conditions.EnumerateArray().Where(c => c.GetProperty("type").GetString() == "Ready").Select(c => (JsonElement?)c).FirstOrDefault()
            : null;

    /// <summary>API times have whole seconds: a time truncated so that one written in the same second compares as later.</summary>
    private static DateTimeOffset WholeSecond(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerSecond));

    private async Task<DateTimeOffset> NodeHeartbeatAsync()
    {
        var node = JsonDocument.Parse(await cluster.KubectlAsync("get", "node", "nso-node", "-o", "json")).RootElement;
        return node.GetProperty("status").GetProperty("conditions").EnumerateArray()
            .First(c => c.GetProperty("type").GetString() == "Ready").GetProperty("lastHeartbeatTime").GetDateTimeOffset();
    }

    private async Task<string> ServiceIdAsync(string sandbox)
    {
        var id = await cluster.KubectlAsync("-n", UserNamespace, "get", $"sandbox/{sandbox}", "-o", "jsonpath={.status.serviceId}");
        Assert.That(id, Is.Not.Empty, $"sandbox/{sandbox} records its service");
        return id;
    }

    /// <summary>Sandboxes in the fleet's namespace (only the Ready ones when asked), once a second: listing a thousand is not free on two cores.</summary>
    private async Task<int> FleetCountAsync(bool readyOnly)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var lines = (await cluster.KubectlAsync("-n", FleetNamespace, "get", "sandboxes", "-o",
            "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}")).Split('\n');
        return readyOnly ? lines.Count(l => l == "True") : lines.Length - 1;
    }

    /// <summary>
    /// Every Sandbox of the user namespace (and the services named in <paramref name="alsoGone"/>, whose Sandboxes were
    /// deleted) had its service created exactly once, by the request log's creates per service id; no service at all
    /// was created twice.
    /// </summary>
    private async Task AssertOneCreatePerSandboxAsync(string when, IEnumerable<string>? alsoGone = null)
    {
        var creates = JsonDocument.Parse(await SimulatorGetAsync("/_sim/requests")).RootElement.EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() is "POST" or "PUT" &&
                r.GetProperty("route").GetString()?.EndsWith("/services/deployment", StringComparison.Ordinal) == true)
            .ToList();
        var succeeded = creates.Where(r => r.GetProperty("status").GetInt32() == 200)
            .GroupBy(r => r.GetProperty("subject").GetString() ?? "(none)")
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var json = await cluster.KubectlAsync("-n", UserNamespace, "get", "sandboxes", "-o", "json");
        var services = JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray()
            .Select(x => x.TryGetProperty("status", out var status) && status.TryGetProperty("serviceId", out var id)
                ? id.GetString()!
                : $"(no service recorded by {x.GetProperty("metadata").GetProperty("name").GetString()})")
            .Concat(alsoGone ?? [])
            .ToList();
        TestContext.Progress.WriteLine($"[node] {when}: {creates.Count} create calls, {succeeded.Values.Sum()} succeeded, for {succeeded.Count} services");
        Assert.Multiple(() =>
        {
            foreach (var service in services)
            {
                Assert.That(succeeded.GetValueOrDefault(service), Is.EqualTo(1), $"creates of {service} {when}");
            }

            Assert.That(succeeded.Where(c => c.Value > 1).Select(c => c.Key), Is.Empty, $"services created more than once {when}");
        });
    }

    /// <summary>The container's cgroup in the memory hierarchy, found under the node's cgroup root by its id.</summary>
    private string ContainerMemoryCgroup(string containerId)
    {
        var root = Path.Combine("/sys/fs/cgroup/memory", cluster.CgroupRoot);
        var matches = Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)
            .Where(d => Path.GetFileName(d).Contains(containerId, StringComparison.Ordinal)).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"the memory cgroup of container {containerId} under {root}");
        return matches[0];
    }

    private static long ReadMemoryStat(string cgroup, string key) =>
        File.ReadAllLines(Path.Combine(cgroup, "memory.stat")).Select(l => l.Split(' ')).Where(f => f[0] == key)
            .Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).FirstOrDefault();

    private static long ReadCgroupNumber(string cgroup, string file) =>
        long.Parse(File.ReadAllText(Path.Combine(cgroup, file)).Trim(), CultureInfo.InvariantCulture);

    private async Task<string> LeaseHolderAsync()
    {
        var json = await cluster.KubectlAsync("-n", OperatorNamespace, "get", "leases", "-o", "json");
        var leases = JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.That(leases, Has.Count.EqualTo(1), "the operator's namespace holds one Lease, the operator's");
        return leases[0].GetProperty("spec").TryGetProperty("holderIdentity", out var holder) ? holder.GetString() ?? "" : "";
    }

    /// <summary>Another tag on the same manifest, through the registry's API: a new image reference for a rollout.</summary>
    private async Task RetagAsync(string repository, string tag, string newTag)
    {
        const string MediaTypes = "application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json";
        var url = $"http://{cluster.Registry}/v2/{repository}/manifests";
        var script = $"set -euo pipefail; t=$(curl -sfI -H 'Accept: {MediaTypes}' {url}/{tag} | tr -d '\\r' | sed -n 's/^[Cc]ontent-[Tt]ype: //p'); " +
            $"curl -sf -H 'Accept: {MediaTypes}' {url}/{tag} | curl -sf -X PUT -H \"Content-Type: $t\" --data-binary @- {url}/{newTag}";
        var result = await cluster.RunAsync("bash", ["-c", script]);
        Assert.That(result.Succeeded, Is.True, $"retag {repository}:{tag} as {newTag}: {result.Describe()}");
    }

    private async Task<string> SimulatorGetAsync(string path)
    {
        var result = await cluster.RunAsync("curl", ["-sf", $"http://{cluster.NodeIp}:{SimulatorPort}{path}"]);
        Assert.That(result.Succeeded, Is.True, $"GET {path} from the simulator: {result.Describe()}");
        return result.StandardOutput;
    }

    private async Task HelmAsync(params string[] arguments)
    {
        // kube-apiserver 1.20 (the one built here) answers a server-side apply of an APIService with a reset stream
        // (INTERNAL_ERROR), and Helm 4 applies server-side by default: install and upgrade apply client-side here, as
        // docs/limitations.md tells users of such an API server to do. Client-side apply of the same chart works.
        if (arguments[0] is "install" or "upgrade")
        {
            arguments = [.. arguments, "--server-side=false"];
        }

        var result = await cluster.RunAsync(Tools.Helm, arguments, HelmEnvironment);
        Assert.That(result.Succeeded, Is.True, $"helm {string.Join(' ', arguments)}: {result.Describe()}");
    }

    private async Task<List<JsonElement>> OperatorPodsAsync()
    {
        var json = await cluster.KubectlAsync("-n", OperatorNamespace, "get", "pods", "-l", "app.kubernetes.io/name=northflank-sandbox-operator", "-o", "json");
        return [.. JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray().Where(p => !p.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))];
    }

    private async Task WaitForOperatorReadyAsync(int replicas) =>
        await Poll.UntilAsync(
            async _ =>
            {
                var pods = await OperatorPodsAsync();
                return pods.Count == replicas && pods.All(p => p.GetProperty("status").TryGetProperty("conditions", out var conditions) &&
                    conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True"));
            },
            Timeout, $"{replicas} operator pod(s) are Ready");

    /// <summary>SIGKILLs every process of a container, found through its cgroup under the node's cgroup root.</summary>
    private int KillContainerProcesses(string containerId)
    {
        var root = Path.Combine("/sys/fs/cgroup/pids", cluster.CgroupRoot);
        var killed = 0;
        foreach (var procs in Directory.EnumerateFiles(root, "cgroup.procs", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)!).Contains(containerId, StringComparison.Ordinal)))
        {
            foreach (var line in File.ReadAllLines(procs).Where(l => l.Length > 0))
            {
                Process.GetProcessById(int.Parse(line, CultureInfo.InvariantCulture)).Kill();
                killed++;
            }
        }

        return killed;
    }
}
