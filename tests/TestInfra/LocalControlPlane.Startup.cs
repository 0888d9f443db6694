using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using k8s;
using k8s.Autorest;

namespace TestInfra;

/// <summary>Startup of the three servers: their files, flags and readiness checks.</summary>
public sealed partial class LocalControlPlane
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private async Task StartServersAsync(CancellationToken ct)
    {
        Running.TryAdd(this, 0);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.StartupTimeout);

        var files = WriteStartupFiles();
        await StartEtcdAsync(timeout.Token, ct);
        await StartApiserverAsync(files, timeout.Token, ct);
        Kubeconfig.Write(AdminKubeconfigPath, Server, AdminUserName, AdminToken);
        if (options.StartControllerManager)
        {
            await StartControllerManagerAsync(files, timeout.Token, ct);
        }
    }

    private StartupFiles WriteStartupFiles()
    {
        Directory.CreateDirectory(Path.Combine(RootDirectory, "logs"));
        var secrets = Path.Combine(RootDirectory, "secrets");
        Directory.CreateDirectory(secrets);

        // Service account signing key: lets the apiserver issue TokenRequest tokens and verify them.
        using var rsa = RSA.Create(2048);
        var files = new StartupFiles(
            ServiceAccountPrivateKey: Path.Combine(secrets, "sa.key"),
            ServiceAccountPublicKey: Path.Combine(secrets, "sa.pub"),
            TokenFile: Path.Combine(secrets, "tokens.csv"),
            ControllerManagerKubeconfig: Path.Combine(secrets, "kube-controller-manager.kubeconfig"));
        File.WriteAllText(files.ServiceAccountPrivateKey, rsa.ExportRSAPrivateKeyPem());
        File.WriteAllText(files.ServiceAccountPublicKey, rsa.ExportSubjectPublicKeyInfoPem());

        var lines = new List<string>
        {
            TokenFileLine(AdminToken, AdminUserName, ["system:masters"]),
            TokenFileLine(controllerManagerToken, ControllerManagerUserName, ["system:masters"]),
        };
        lines.AddRange(declaredUsers.Values.Select(u => TokenFileLine(u.Token, u.UserName, u.Groups)));
        lines.AddRange(spareUsers.Select(u => TokenFileLine(u.Token, u.UserName, u.Groups)));
        File.WriteAllLines(files.TokenFile, lines);
        Kubeconfig.Write(files.ControllerManagerKubeconfig, Server, ControllerManagerUserName, controllerManagerToken);
        return files;
    }

    private async Task StartEtcdAsync(CancellationToken timeout, CancellationToken ct)
    {
        var clientUrl = $"http://127.0.0.1:{etcdPort}";
        var peerUrl = $"http://127.0.0.1:{etcdPeerPort}";
        Directory.CreateDirectory(etcdDataDir);
        var etcd = StartProcess("etcd", Tools.Etcd,
        [
            "--name=nso",
            $"--data-dir={etcdDataDir}",
            $"--listen-client-urls={clientUrl}",
            $"--advertise-client-urls={clientUrl}",
            $"--listen-peer-urls={peerUrl}",
            $"--initial-advertise-peer-urls={peerUrl}",
            $"--initial-cluster=nso={peerUrl}",
            "--logger=zap",
            "--log-level=warn",
        ]);

        using var http = new HttpClient();
        await WaitUntilAsync(etcd, timeout, ct, async token =>
        {
            using var response = await http.GetAsync(new Uri($"{clientUrl}/health"), token);
            return response.IsSuccessStatusCode;
        });
    }

    private async Task StartApiserverAsync(StartupFiles files, CancellationToken timeout, CancellationToken ct)
    {
        var certDir = Path.Combine(RootDirectory, "apiserver-certs");
        Directory.CreateDirectory(certDir);
        var apiserver = StartProcess("kube-apiserver", Tools.KubeApiserver,
        [
            $"--etcd-servers=http://127.0.0.1:{etcdPort}",
            "--bind-address=127.0.0.1",
            $"--secure-port={Server.Port}",
            // 1.20 still serves plain HTTP on localhost:8080 by default: it would clash between parallel runs.
            "--insecure-port=0",
            // The "kubernetes" service endpoints would be 127.0.0.1, which endpoint validation rejects; nothing here
            // runs in-cluster, so skip that reconciler instead of logging errors every few seconds.
            "--advertise-address=127.0.0.1",
            "--endpoint-reconciler-type=none",
            $"--cert-dir={certDir}",
            $"--token-auth-file={files.TokenFile}",
            "--authorization-mode=RBAC",
            $"--service-account-key-file={files.ServiceAccountPublicKey}",
            $"--service-account-signing-key-file={files.ServiceAccountPrivateKey}",
            $"--service-account-issuer={ServiceAccountIssuer}",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--profiling=false",
            "--logtostderr=true",
            "--v=0",
            .. AuditFlags(Path.GetDirectoryName(files.TokenFile)!),
            .. AggregationFlags(Path.GetDirectoryName(files.TokenFile)!),
        ]);

        // Accepting any certificate is fine for a self-signed, loopback-only server (see Kubeconfig.Write).
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        await WaitUntilAsync(apiserver, timeout, ct, async token =>
        {
            using var response = await http.GetAsync(new Uri(Server, "/readyz"), token);
            return response.StatusCode == HttpStatusCode.OK;
        });
    }

    private async Task StartControllerManagerAsync(StartupFiles files, CancellationToken timeout, CancellationToken ct)
    {
        var controllerManager = StartProcess("kube-controller-manager", Tools.KubeControllerManager,
        [
            $"--kubeconfig={files.ControllerManagerKubeconfig}",
            // Only what an operator's behaviour depends on: namespace finalization, ownerReference garbage collection,
            // the default service account per namespace, service account token secrets, and ClusterRoles aggregated into
            // edit/view (the chart's tenant roles).
            "--controllers=namespace,garbagecollector,serviceaccount,serviceaccount-token,clusterrole-aggregation",
            "--leader-elect=false",
            $"--service-account-private-key-file={files.ServiceAccountPrivateKey}",
            // No health endpoints needed; the deprecated insecure port (10252) would clash between parallel runs.
            "--port=0",
            "--secure-port=0",
            "--logtostderr=true",
            "--v=0",
        ]);

        // The serviceaccount controller creating "default" in "default" shows the controllers are running.
        await WaitUntilAsync(controllerManager, timeout, ct, async token =>
        {
            try
            {
                await AdminClient.CoreV1.ReadNamespacedServiceAccountAsync("default", "default", cancellationToken: token);
                return true;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        });
    }

    private TetheredProcess StartProcess(string name, string executable, IReadOnlyList<string> arguments)
    {
        var process = TetheredProcess.Start(name, executable, arguments, LogPath(name));
        processes.Add(process);
        return process;
    }

    /// <summary>Polls <paramref name="isReady"/> until true; fails fast, with the log tail, if any server exits.</summary>
    private async Task WaitUntilAsync(TetheredProcess server, CancellationToken timeout, CancellationToken ct, Func<CancellationToken, Task<bool>> isReady)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw StartupFailure(exited, $"{exited.Name} exited with code {exited.ExitCode} during startup");
            }

            if (timeout.IsCancellationRequested)
            {
                throw StartupFailure(server, $"{server.Name} was not ready after {options.StartupTimeout.TotalSeconds:F0} s");
            }

            try
            {
                if (await isReady(timeout))
                {
                    options.Log?.Invoke($"{server.Name} ready after {stopwatch.Elapsed.TotalSeconds:F1} s");
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or HttpOperationException)
            {
                // Not listening yet, or answering with an error while it starts.
            }

            try
            {
                await Task.Delay(PollInterval, timeout);
            }
            catch (OperationCanceledException)
            {
                // Reported at the top of the loop with the log tail.
            }
        }
    }

    private LocalControlPlaneException StartupFailure(TetheredProcess server, string reason) =>
        new($"Local control plane failed to start: {reason}. Last lines of {server.LogPath}:\n" +
            server.LogTail(options.LogLinesOnFailure));

    private sealed record StartupFiles(
        string ServiceAccountPrivateKey,
        string ServiceAccountPublicKey,
        string TokenFile,
        string ControllerManagerKubeconfig);
}
