using System.Net;
using System.Net.Sockets;
using k8s;
using NorthflankSimulator;
using TestInfra;

namespace IntegrationTests.Operator;

/// <summary>What every connect test sets up: where the operator serves the API, and a user who may use it.</summary>
public sealed partial class ConnectTests
{
    private readonly List<OperatorProcess> connectOperators = [];

    [SetUp]
    public void ForgetOperators() => connectOperators.Clear(); // one fixture instance serves every test

    /// <summary>Starts an operator (another replica when one runs) serving connect on a fresh port of the site; its port.</summary>
    private int StartConnectOperator(ConnectSite site, bool leaderElection = false)
    {
        var port = FreePortOn(site.Address);
        string[] election = leaderElection ? ["--lease-namespace", Namespace] : [];
        connectOperators.Add(StartOperator(leaderElection, null, [.. election, .. site.Flags(port)]));
        return port;
    }

    /// <summary>
    /// The APIService routed to <paramref name="port"/>, alice allowed to exec and read logs, and the routes and RBAC
    /// caught up (a plugin exec of <c>true</c> succeeds); then <paramref name="body"/> with alice's kubeconfig. The
    /// APIService is cluster-scoped: it goes afterwards, whatever happened, or discovery would fail for other tests.
    /// </summary>
    private async Task AsAliceAsync(ConnectSite site, int port, string sandbox, Func<UserCredential, string, Task> body)
    {
        await using var api = await RegisterConnectApiAsync(site, port);
        var alice = ControlPlane.TakeSpareUser();
        await GrantAsync(alice.UserName, "user", ["sandboxes/exec"], ["create", "get"], ["sandboxes/log"]);
        var kubeconfig = ControlPlane.WriteKubeconfig(alice.Token, Path.Combine(LogDirectory, "alice.kubeconfig"));
        var ready = await EventuallyAsync(kubeconfig, r => r.ExitCode == 0, null, "exec", sandbox, "--", "true");
        Assert.That(ready.ExitCode, Is.Zero, ready.Describe());
        await body(alice, kubeconfig);
    }

    /// <summary>The Northflank token must appear in nothing a user saw, nor in any operator's log.</summary>
    private void AssertNoToken(string seen)
    {
        var token = SimulatorOptions.DefaultDevelopmentToken;
        Assert.That(seen.Contains(token, StringComparison.Ordinal), Is.False, "the Northflank token reached a user");
        Assert.That(connectOperators.Any(o => o.ReadLog().Contains(token, StringComparison.Ordinal)), Is.False, "the Northflank token was logged");
    }

    /// <summary>A port free on that address now (the operator binds it a moment later; the link is this test's own).</summary>
    private static int FreePortOn(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Where operators serve the connect API: a veth address (Endpoints refuse loopback) and a serving certificate for
    /// it and the Service's name, from a CA the APIService trusts.
    /// </summary>
    private sealed class ConnectSite(PrivateLink link, CertificateAuthority ca, string certFile, string keyFile) : IAsyncDisposable
    {
        public IPAddress Address => link.HostAddress;

        public string CaPem => ca.CertificatePem;

        public static async Task<ConnectSite> OpenAsync(ConnectTests test)
        {
            if (!Environment.IsPrivilegedProcess)
            {
                Assert.Ignore("Needs root: the operator's connect address is a veth pair into a network namespace.");
            }

            var link = await PrivateLink.CreateAsync(Path.Combine(test.LogDirectory, "link"));
            var servingCa = CertificateAuthority.Create("connect-serving-ca");
            using var serving = servingCa.IssueServingCertificate([$"{ServiceName}.{test.Namespace}.svc"], [link.HostAddress]);
            Directory.CreateDirectory(test.LogDirectory);
            var certFile = Path.Combine(test.LogDirectory, "connect.crt");
            var keyFile = Path.Combine(test.LogDirectory, "connect.key");
            CertificateAuthority.WritePem(serving, certFile, keyFile);
            return new ConnectSite(link, servingCa, certFile, keyFile);
        }

        public string[] Flags(int port) =>
            ["--connect-address", $"https://{link.HostAddress}:{port}", "--connect-cert-file", certFile, "--connect-key-file", keyFile];

        public async ValueTask DisposeAsync()
        {
            ca.Dispose();
            await link.DisposeAsync();
        }
    }
}
