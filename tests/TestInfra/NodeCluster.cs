using System.Globalization;

namespace TestInfra;

/// <summary>
/// A one-node Kubernetes cluster (control plane, kubelet, kube-scheduler, kube-proxy, containerd, a local OCI
/// registry) in a network namespace of its own, started by tests/infra/node-cluster.sh. Nothing in it is reachable
/// from this process's network namespace: run kubectl, helm and servers that pods must reach with
/// <see cref="RunAsync"/> and <see cref="StartServer"/>, which enter the namespace. Needs root. Dispose stops every
/// process and removes every path and cgroup the run created.
/// </summary>
public sealed class NodeCluster : IAsyncDisposable
{
    private readonly List<TetheredProcess> servers = [];
    private readonly Dictionary<string, string> settings;
    private int disposed;

    private NodeCluster(string runDirectory, Dictionary<string, string> settings)
    {
        RunDirectory = runDirectory;
        this.settings = settings;
    }

    /// <summary>The run's directory (logs of every component in logs/).</summary>
    public string RunDirectory { get; }

    /// <summary>The node's address inside the namespace; servers pods must reach listen on it.</summary>
    public string NodeIp => settings["NODE_IP"];

    /// <summary>The registry as seen inside the namespace (host:port), for image references and oci:// charts.</summary>
    public string Registry => settings["REGISTRY"];

    public string KubeconfigPath => settings["KUBECONFIG"];

    /// <summary>The kubelet's --cgroup-root (one per run, in every cgroup v1 hierarchy): pods' cgroups are below it.</summary>
    public string CgroupRoot => settings["CGROUP"];

    private string NamespacePath => settings["NETNS_PATH"];

    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "infra", "node-cluster.sh");

    /// <summary>Starts the cluster, serving the images in <paramref name="imageStore"/> (a docker-registry storage root).</summary>
    public static async Task<NodeCluster> StartAsync(string imageStore, CancellationToken ct = default)
    {
        var runDirectory = Path.Combine(Path.GetTempPath(), $"nso-node-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5))}");
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var result = await ToolRunner.RunAsync("bash", [Script, "up", runDirectory, pid, imageStore], environment: ToolsEnvironment, ct: ct);
        if (!result.Succeeded)
        {
            await ToolRunner.RunAsync("bash", [Script, "down", runDirectory], environment: ToolsEnvironment, ct: CancellationToken.None);
            throw new InvalidOperationException($"node-cluster.sh up failed: {result.Describe()}");
        }

        var settings = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return new NodeCluster(runDirectory, settings);
    }

    /// <summary>Runs a tool inside the namespace with the cluster's admin kubeconfig.</summary>
    public Task<ToolResult> RunAsync(string executable, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, CancellationToken ct = default) =>
        ToolRunner.RunAsync("nsenter", [$"--net={NamespacePath}", executable, .. arguments], KubeconfigPath, environment, ct);

    /// <summary>kubectl inside the namespace; fails with its output when it fails.</summary>
    public async Task<string> KubectlAsync(params string[] arguments)
    {
        var result = await RunAsync(Tools.Kubectl, arguments);
        return result.Succeeded ? result.StandardOutput : throw new InvalidOperationException($"kubectl {string.Join(' ', arguments)}: {result.Describe()}");
    }

    /// <summary>A long-running server inside the namespace, tethered to this process, stopped on dispose.</summary>
    public TetheredProcess StartServer(string name, string executable, IEnumerable<string> arguments)
    {
        var server = TetheredProcess.Start(name, "nsenter", [$"--net={NamespacePath}", executable, .. arguments], Path.Combine(RunDirectory, "logs", name + ".log"));
        servers.Add(server);
        return server;
    }

    /// <summary>
    /// Restarts the node's services as a reboot of them would: stops the kubelet and containerd (SIGTERM, as
    /// <c>systemctl stop</c>), starts both again with the same flags and waits until the kubelet answers. Pods keep
    /// running meanwhile; the restarted components find them again. Returns the script's account of the steps.
    /// </summary>
    public async Task<string> RestartNodeServicesAsync(CancellationToken ct = default)
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var result = await ToolRunner.RunAsync("bash", [Script, "restart", RunDirectory, pid], environment: ToolsEnvironment, ct: ct);
        return result.Succeeded ? result.StandardError.Trim() : throw new InvalidOperationException($"node-cluster.sh restart failed: {result.Describe()}");
    }

    public string LogPath(string component) => Path.Combine(RunDirectory, "logs", component + ".log");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        foreach (var server in servers)
        {
            await server.StopAsync(TimeSpan.FromSeconds(5));
        }

        await ToolRunner.RunAsync("bash", [Script, "down", RunDirectory], environment: ToolsEnvironment);
    }

    private static Dictionary<string, string> ToolsEnvironment => new(StringComparer.Ordinal) { [Tools.BinDirVariable] = Tools.BinDir };
}
