using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Models;
using NorthflankSimulator;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Connect;
using TestInfra;

namespace Benchmarks;

/// <summary>
/// <c>kubectl sandbox exec</c>'s path against Northflank's own client, at real speed, in one run: one simulator, one
/// Running Sandbox, the operator serving <c>sandboxes/exec</c> as an aggregated API on a <see cref="PrivateLink"/>
/// address, and a tenant user allowed nothing but that. The same commands then run through Kubernetes
/// (<see cref="KubeExec"/>) and with the official JavaScript client straight to the simulator
/// (<see cref="JsClientReference"/>), in alternating rounds so that a busy moment of the shared machine falls on both.
/// </summary>
internal sealed class ConnectScenario(LocalControlPlane controlPlane, BenchSettings settings)
{
    private const string SandboxName = "agent";
    private const string ServiceName = "connect";

    /// <summary>Rounds of one-shot sessions, each through Kubernetes then direct; streams alternate one by one.</summary>
    private const int Rounds = 5;

    /// <summary>Unreported sessions first on each side (the .NET client's JIT and first connections; each Node process's own).</summary>
    private const int Warmup = 3;

    /// <summary>So high that no session waits for the token's budget: each costs one request of it, direct or not.</summary>
    private const int RequestsPerHour = 100_000;

    private static readonly string[] EchoOk = ["echo", "ok"];

    private IKubernetes Kubernetes => controlPlane.AdminClient;

    public async Task<ConnectResult> RunAsync(CancellationToken ct)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the connect scenario needs root: the operator's connect address is a veth pair into a network namespace (PrivateLink)");
        }

        var wall = Stopwatch.StartNew();
        await JsClientReference.EnsureInstalledAsync(ct);
        var realSpeed = settings with { TimeScale = 1 };
        var ns = await controlPlane.CreateNamespaceAsync("bench-connect", ct);
        await BenchRig.CreateCredentialsAsync(Kubernetes, ns, ct);
        await using var simulator = await SimulatorHost.StartAsync(BenchRig.Simulator(realSpeed, RequestsPerHour), ct);
        await using var link = await PrivateLink.CreateAsync(Path.Combine(settings.OutputDirectory, "connect-link"), ct);
        var port = FreePortOn(link.HostAddress);
        using var servingCa = CertificateAuthority.Create("connect-serving-ca");
        var keys = Directory.CreateTempSubdirectory("bench-connect-");
        try
        {
            await using var operatorProcess = StartOperator(realSpeed, simulator, ns, link.HostAddress, port, servingCa, keys.FullName);
            await operatorProcess.WaitForHealthAddressAsync(TimeSpan.FromSeconds(60), ct);
            var serviceId = await RunningSandboxAsync(ns, operatorProcess, ct);
            await using var api = await AggregatedApi.RegisterAsync(Kubernetes, ConnectApi.Group, ConnectApi.Version, ns, ServiceName, link.HostAddress.ToString(), port, servingCa.CertificatePem, ct);
            await api.WaitUntilAvailableAsync(TimeSpan.FromSeconds(60), ct);
            var user = controlPlane.TakeSpareUser();
            await GrantExecAsync(ns, user.UserName, ct);
            var kube = new KubeExec(controlPlane.Server, user.Token, ns, SandboxName);
            await FirstSuccessAsync(kube, operatorProcess, ct);
            var direct = new DirectSide(simulator.BaseUrl, SimulatorOptions.DefaultProjectId, serviceId);
            var cpu = new CpuMeter(operatorProcess);
            var (kubeStarts, directStarts) = await StartsAsync(kube, direct, cpu, ct);
            var startsCpu = cpu.Take();
            var (discovery, operatorCalls) = await ProbeAsync(new ConnectPathProbe(controlPlane, ns, SandboxName, user), ct);
            var (kubeStreams, directStreams) = await StreamsAsync(kube, direct, cpu, ct);
            var (kubeStdins, directStdins) = await StdinsAsync(kube, direct, ct);
            return new ConnectResult
            {
                OperatorCpuSecondsStarts = startsCpu,
                OperatorCpuSecondsStreams = cpu.Take(),
                DiscoverySeconds = discovery,
                OperatorCallsSeconds = operatorCalls,
                StreamBytes = StreamBytes,
                KubernetesStarts = kubeStarts,
                DirectStarts = directStarts,
                KubernetesStreams = kubeStreams,
                DirectStreams = directStreams,
                KubernetesStdins = kubeStdins,
                DirectStdins = directStdins,
                WallTime = wall.Elapsed,
            };
        }
        finally
        {
            keys.Delete(recursive: true);
            await Kubernetes.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: CancellationToken.None);
        }
    }

    private long StreamBytes => settings.ConnectStreamMiB * 1024L * 1024L;

    /// <summary>Where the direct side's sessions go: the service the operator resolved the Sandbox to.</summary>
    private sealed record DirectSide(Uri Simulator, string Project, string Service);

    /// <summary>Sessions of <c>echo ok</c> in rounds, through Kubernetes then direct, until each side has its number.</summary>
    private async Task<(List<ExecTiming> Kubernetes, List<ExecTiming> Direct)> StartsAsync(KubeExec kube, DirectSide direct, CpuMeter cpu, CancellationToken ct)
    {
        var (kubeStarts, directStarts) = (new List<ExecTiming>(), new List<ExecTiming>());
        for (var i = 0; i < Warmup; i++)
        {
            await kube.RunAsync(EchoOk, ct);
        }

        var perRound = (settings.ConnectSessions + Rounds - 1) / Rounds;
        for (var round = 1; kubeStarts.Count < settings.ConnectSessions; round++)
        {
            var count = Math.Min(perRound, settings.ConnectSessions - kubeStarts.Count);
            cpu.Start();
            for (var i = 0; i < count; i++)
            {
                kubeStarts.Add(await kube.RunAsync(EchoOk, ct));
            }

            cpu.Stop();

            var measured = await JsClientReference.RunAsync(direct.Simulator, SimulatorOptions.DefaultDevelopmentToken, direct.Project, direct.Service, Warmup, count, StreamBytes, 0, ct);
            directStarts.AddRange(measured.Starts);
            Report($"round {round}: {count} sessions each; first byte p50 through Kubernetes {Ms(kubeStarts[^count..])} ms, direct {Ms(measured.Starts)} ms");
        }

        return (kubeStarts, directStarts);
    }

    /// <summary>The parts of a start, as many times as there are sessions, each after a warm-up.</summary>
    private async Task<(List<double> Discovery, List<double> OperatorCalls)> ProbeAsync(ConnectPathProbe probe, CancellationToken ct)
    {
        var (discovery, operatorCalls) = (new List<double>(), new List<double>());
        for (var i = -Warmup; i < settings.ConnectSessions; i++)
        {
            var (d, o) = (await probe.DiscoveryAsync(ct), await probe.OperatorCallsAsync(Kubernetes, ct));
            if (i >= 0)
            {
                discovery.Add(d);
                operatorCalls.Add(o);
            }
        }

        Report($"parts of a start p50: discovery GET on a new connection {NearestRank.Percentile(discovery, 0.5) * 1000:F1} ms, the operator's API calls {NearestRank.Percentile(operatorCalls, 0.5) * 1000:F1} ms");
        return (discovery, operatorCalls);
    }

    /// <summary>Streams of <see cref="StreamBytes"/> on stdout, through Kubernetes and direct in turn.</summary>
    private async Task<(List<ExecTiming> Kubernetes, List<ExecTiming> Direct)> StreamsAsync(KubeExec kube, DirectSide direct, CpuMeter cpu, CancellationToken ct)
    {
        string[] command = ["sh", "-c", $"head -c {StreamBytes} /dev/zero | tr '\\0' a"];
        var (kubeStreams, directStreams) = (new List<ExecTiming>(), new List<ExecTiming>());
        for (var i = 1; i <= settings.ConnectStreams; i++)
        {
            cpu.Start();
            var viaKube = await kube.RunAsync(command, ct);
            cpu.Stop();
            if (viaKube.StdoutBytes != StreamBytes)
            {
                throw new InvalidOperationException($"the stream through Kubernetes delivered {viaKube.StdoutBytes} bytes of {StreamBytes}");
            }

            kubeStreams.Add(viaKube);
            var measured = await JsClientReference.RunAsync(direct.Simulator, SimulatorOptions.DefaultDevelopmentToken, direct.Project, direct.Service, 0, 0, StreamBytes, 1, ct);
            directStreams.AddRange(measured.Streams);
            Report($"stream {i}: {ConnectResult.MiBPerSecond(viaKube):F1} MiB/s through Kubernetes, {ConnectResult.MiBPerSecond(measured.Streams[0]):F1} MiB/s direct");
        }

        return (kubeStreams, directStreams);
    }

    /// <summary>
    /// The operator at real speed, serving the connect API on <paramref name="address"/> with a certificate of
    /// <paramref name="servingCa"/> for the Service's name and that address (written into <paramref name="keys"/>, a
    /// directory of this run that is deleted after it).
    /// </summary>
    private OperatorProcess StartOperator(BenchSettings realSpeed, SimulatorHost simulator, string ns, IPAddress address, int port, CertificateAuthority servingCa, string keys)
    {
        var (certFile, keyFile) = (Path.Combine(keys, "connect.crt"), Path.Combine(keys, "connect.key"));
        using (var serving = servingCa.IssueServingCertificate([$"{ServiceName}.{ns}.svc"], [address]))
        {
            CertificateAuthority.WritePem(serving, certFile, keyFile);
        }

        return OperatorProcess.Start(
            "operator-connect",
            [.. BenchRig.OperatorArguments(realSpeed, controlPlane, simulator, ns, "batched", RequestsPerHour),
                "--connect-address", $"https://{address}:{port}", "--connect-cert-file", certFile, "--connect-key-file", keyFile],
            settings.OutputDirectory);
    }

    /// <summary>Sessions that read <see cref="StreamBytes"/> from stdin, through Kubernetes and direct in turn.</summary>
    private async Task<(List<ExecTiming> Kubernetes, List<ExecTiming> Direct)> StdinsAsync(KubeExec kube, DirectSide direct, CancellationToken ct)
    {
        // Exit code 0 and "ok" only when every byte arrived: the count is checked where the bytes land.
        string[] command = ["sh", "-c", $"test \"$(wc -c)\" -eq {StreamBytes} && echo ok"];
        var (kubeStdins, directStdins) = (new List<ExecTiming>(), new List<ExecTiming>());
        for (var i = 1; i <= settings.ConnectStreams; i++)
        {
            var viaKube = await kube.RunAsync(command, ct, stdinBytes: StreamBytes);
            kubeStdins.Add(viaKube);
            var measured = await JsClientReference.RunAsync(direct.Simulator, SimulatorOptions.DefaultDevelopmentToken, direct.Project, direct.Service, 0, 0, StreamBytes, 0, ct, stdins: 1);
            directStdins.AddRange(measured.Stdins);
            Report($"stdin {i}: {ConnectResult.StdinMiBPerSecond(viaKube, StreamBytes):F1} MiB/s through Kubernetes, {ConnectResult.StdinMiBPerSecond(measured.Stdins[0], StreamBytes):F1} MiB/s direct");
        }

        return (kubeStdins, directStdins);
    }

    /// <summary>Creates the Sandbox, waits until it is Ready; its Northflank service's id.</summary>
    private async Task<string> RunningSandboxAsync(string ns, OperatorProcess operatorProcess, CancellationToken ct)
    {
        await using var watcher = SandboxWatcher.Start(Kubernetes, ns);
        await SandboxFleet.CreateAsync(Kubernetes, ns, [SandboxFleet.Minimal(SandboxName)], ct: ct);
        await BenchRig.UntilAsync(_ => Task.FromResult(watcher.ReadyAt.ContainsKey(SandboxName)), TimeSpan.FromMinutes(3), "the Sandbox is Ready", operatorProcess, ct);
        using var client = SandboxFleet.Client(Kubernetes);
        var sandbox = await client.ReadNamespacedAsync<Sandbox>(ns, SandboxName, ct);
        return sandbox.Status?.ServiceId ?? throw new InvalidOperationException("the Ready Sandbox records no service id");
    }

    /// <summary>A tenant's right to exec, as the chart's tenant role grants it: the upgrade is authorised as get, the operator's review asks for create.</summary>
    private async Task GrantExecAsync(string ns, string user, CancellationToken ct)
    {
        const string name = "exec-only";
        await Kubernetes.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role { Metadata = new V1ObjectMeta { Name = name }, Rules = [new V1PolicyRule { ApiGroups = [ConnectApi.Group], Resources = [$"{ConnectApi.Resource}/{ConnectApi.Exec}"], Verbs = ["create", "get"] }] },
            ns,
            cancellationToken: ct);
        await Kubernetes.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = user, ApiGroup = "rbac.authorization.k8s.io" }],
            },
            ns,
            cancellationToken: ct);
    }

    /// <summary>Waits until an exec goes through: the RBAC cache and the aggregator's routes catch up after registration.</summary>
    private static async Task FirstSuccessAsync(KubeExec kube, OperatorProcess operatorProcess, CancellationToken ct)
    {
        Exception? last = null;
        try
        {
            await Poll.UntilAsync(
                async c =>
                {
                    try
                    {
                        await kube.RunAsync(EchoOk, c);
                        return true;
                    }
                    catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or InvalidOperationException)
                    {
                        last = e;
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "an exec through Kubernetes succeeds",
                ct);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last: {last?.Message}\n--- operator log tail ---\n{operatorProcess.LogTail(20)}", e);
        }
    }

    /// <summary>A port free on that address now (the operator binds it a moment later; the link is this run's own).</summary>
    private static int FreePortOn(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Ms(IEnumerable<ExecTiming> timings) =>
        (NearestRank.Percentile([.. timings.Select(t => t.FirstByteSeconds)], 0.5) * 1000).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    private static void Report(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] connect: {message}");
}
