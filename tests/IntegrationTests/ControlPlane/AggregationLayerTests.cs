using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using k8s;
using k8s.Models;
using TestInfra;

namespace IntegrationTests.ControlPlane;

/// <summary>
/// The aggregation layer works end to end on the local control plane: kube-apiserver authenticates and authorizes
/// the caller, then proxies an APIService's group to a server behind a Service (here an in-process echo server on a
/// <see cref="PrivateLink"/> address, as the operator's own aggregated API will be), presenting the front-proxy client
/// certificate and naming the caller in X-Remote-* headers.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class AggregationLayerTests : ControlPlaneTest
{
    private const string Group = "echo.aggregation.nso.test";
    private const string Version = "v1alpha1";
    private const string ServiceName = "echo-api";
    private static readonly TimeSpan AvailableTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Extension_apiserver_authentication_config_map_carries_the_front_proxy_ca()
    {
        var configMap = await Admin.CoreV1.ReadNamespacedConfigMapAsync("extension-apiserver-authentication", "kube-system");

        Assert.That(configMap.Data["requestheader-client-ca-file"].Trim(), Is.EqualTo((await File.ReadAllTextAsync(ControlPlane.FrontProxyCaPath)).Trim()));
        Assert.That(configMap.Data["requestheader-allowed-names"], Does.Contain(LocalControlPlane.FrontProxyClientName));
        Assert.That(configMap.Data["requestheader-username-headers"], Does.Contain(LocalControlPlane.RemoteUserHeader));
        Assert.That(configMap.Data["requestheader-group-headers"], Does.Contain(LocalControlPlane.RemoteGroupHeader));
        Assert.That(configMap.Data["requestheader-extra-headers-prefix"], Does.Contain(LocalControlPlane.RemoteExtraHeaderPrefix));
    }

    [Test]
    public async Task Serving_certificate_file_lets_a_client_verify_the_api_server()
    {
        // What an aggregated server's own client of kube-apiserver trusts, instead of skipping verification.
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(ControlPlane.ServingCertificatePath);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
            },
        };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ControlPlane.AdminToken);

        using var response = await http.GetAsync(new Uri(ControlPlane.Server, "/readyz"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Kubectl_reaches_an_aggregated_api_which_sees_the_calling_user()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("Needs root: the aggregated server's address is a veth pair into a network namespace.");
        }

        await using var link = await PrivateLink.CreateAsync(Path.Combine(ControlPlane.RootDirectory, "logs", "links"));
        using var servingCa = CertificateAuthority.Create("echo-api-serving-ca");
        // kube-apiserver checks the server's certificate for <service>.<namespace>.svc against the caBundle.
        using var serving = servingCa.IssueServingCertificate([$"{ServiceName}.{Namespace}.svc"], [link.HostAddress]);
        await using var server = await EchoApiServer.StartAsync(link.HostAddress, serving, ControlPlane.FrontProxyCa, Group, Version);
        await AssertRefusesCallersWithoutProxyCertificateAsync(link.HostAddress, server.Port);

        // Cluster-scoped, so the namespace's deletion does not remove it: disposing does, or an APIService whose server
        // is gone would make discovery fail for every other test.
        await using var api = await AggregatedApi.RegisterAsync(
            Admin, Group, Version, Namespace, ServiceName, link.HostAddress.ToString(), server.Port, servingCa.CertificatePem);
        await api.WaitUntilAvailableAsync(AvailableTimeout);
        var user = ControlPlane.TakeSpareUser();
        var kubeconfig = ControlPlane.WriteKubeconfig(user.Token);

        // The proxy's route for a new APIService is added apart from its availability check: allow it a moment.
        var discovery = await EventuallyGetAsync(kubeconfig, $"/apis/{Group}/{Version}");
        Assert.That(discovery.GetProperty("resources")[0].GetProperty("name").GetString(), Is.EqualTo(EchoApiServer.Resource));

        // kube-apiserver authorizes before it proxies: without RBAC the call never reaches the echo server.
        var path = $"/apis/{Group}/{Version}/namespaces/{Namespace}/{EchoApiServer.Resource}/hello";
        var forbidden = await KubectlGetRawAsync(kubeconfig, path);
        Assert.That(forbidden.Succeeded, Is.False, forbidden.Describe());
        Assert.That(forbidden.StandardError, Does.Contain("forbidden"), forbidden.Describe());

        await GrantEchoReadAsync(user.UserName);
        var echo = await EventuallyGetAsync(kubeconfig, path);

        Assert.That(echo.GetProperty("user").GetString(), Is.EqualTo(user.UserName));
        Assert.That(echo.GetProperty("groups").EnumerateArray().Select(g => g.GetString()), Does.Contain("system:authenticated"));
        Assert.That(echo.GetProperty("proxy").GetString(), Is.EqualTo(LocalControlPlane.FrontProxyClientName));
        Assert.That(echo.GetProperty("metadata").GetProperty("namespace").GetString(), Is.EqualTo(Namespace));
    }

    /// <summary>The echo server's answers are only worth something if nobody but the front proxy gets them.</summary>
    private static async Task AssertRefusesCallersWithoutProxyCertificateAsync(IPAddress address, int port)
    {
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"https://{address}:{port}/apis/{Group}/{Version}"));
        request.Headers.Add(LocalControlPlane.RemoteUserHeader, "system:admin");
        Assert.That(async () => (await http.SendAsync(request)).Dispose(), Throws.InstanceOf<HttpRequestException>());
    }

    private async Task GrantEchoReadAsync(string userName)
    {
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(
            new V1Role
            {
                Metadata = new V1ObjectMeta { Name = "echo-reader" },
                Rules = [new V1PolicyRule { ApiGroups = [Group], Resources = [EchoApiServer.Resource], Verbs = ["get"] }],
            },
            Namespace);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(
            new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "echo-reader" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "echo-reader" },
                Subjects = [new Rbacv1Subject { Kind = "User", Name = userName, ApiGroup = "rbac.authorization.k8s.io" }],
            },
            Namespace);
    }

    /// <summary>kubectl get --raw until it succeeds (RBAC's cache, the proxy's routes catch up); the answer's JSON.</summary>
    private static async Task<JsonElement> EventuallyGetAsync(string kubeconfig, string path)
    {
        ToolResult? last = null;
        try
        {
            await Poll.UntilAsync(
                async _ =>
                {
                    last = await KubectlGetRawAsync(kubeconfig, path);
                    return last.Succeeded;
                },
                CatchUpTimeout,
                $"kubectl get --raw {path} succeeds");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"kubectl get --raw {path} kept failing: {last?.Describe()}");
        }

        using var document = JsonDocument.Parse(last!.StandardOutput);
        return document.RootElement.Clone();
    }

    private static Task<ToolResult> KubectlGetRawAsync(string kubeconfig, string path) =>
        ToolRunner.RunAsync(Tools.Kubectl, ["get", "--raw", path], kubeconfig);
}
