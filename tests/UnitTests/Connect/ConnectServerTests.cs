using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Connect;
using SandboxOperator.Controllers.Configs;
using SandboxOperator.Controllers.Sandboxes;
using SandboxOperator.Northflank;
using SandboxOperator.Northflank.FlowControl;
using SandboxOperator.Northflank.Wire;
using SandboxOperator.Telemetry;
using UnitTests.Controllers.Configs;
using UnitTests.Controllers.Sandboxes;

namespace UnitTests.Connect;

/// <summary>
/// The connect server over real TLS on loopback: only the front proxy's client certificate gets in, the review decides,
/// a missing Sandbox is 404, and a token whose budget is spent is 429 with Retry-After at once.
/// </summary>
public class ConnectServerTests
{
    private readonly Dictionary<string, Sandbox> sandboxes = [];
    private readonly string directory = Directory.CreateTempSubdirectory("connect-").FullName;
    private X509Certificate2 ca = null!;
    private ConnectServer server = null!;
    private ServiceProvider services = null!;
    private bool allowed = true;
    private int port;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        ca = Certificates.Authority("front-proxy-ca");
        using var serving = Certificates.Issue(ca, "connect.example", clientAuth: false);
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.crt"), serving.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.key"), serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        port = FreePort();
        services = Services();
        server = new ConnectServer(new ConnectServerOptions(new Uri($"https://127.0.0.1:{port}"), Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key")), services, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await server.StopAsync(CancellationToken.None);
        await server.DisposeAsync();
        await services.DisposeAsync();
        ca.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public async Task Without_the_proxys_certificate_even_discovery_is_unauthorized()
    {
        using var client = Client(certificate: null);
        using var answer = await client.GetAsync(Url("/apis/connect.sandbox.northflank.com/v1alpha1"));
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Through_the_proxy_discovery_lists_exec_and_log()
    {
        using var client = Client(Certificates.Issue(ca, "front-proxy-client", clientAuth: true, withKey: true));
        var list = JsonNode.Parse(await client.GetStringAsync(Url("/apis/connect.sandbox.northflank.com/v1alpha1")))!;
        Assert.That(list["resources"]!.AsArray().Select(r => (string?)r!["name"]), Is.EqualTo(new[] { "sandboxes/exec", "sandboxes/log" }));
    }

    [Test]
    public async Task A_denied_review_is_forbidden_and_a_missing_sandbox_not_found()
    {
        using var client = Client(Certificates.Issue(ca, "front-proxy-client", clientAuth: true, withKey: true));
        allowed = false;
        using var denied = await client.GetAsync(Url("/apis/connect.sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/agent-1/log"));
        allowed = true;
        using var missing = await client.GetAsync(Url("/apis/connect.sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/nope/log"));
        Assert.Multiple(async () =>
        {
            Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((string?)JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["reason"], Is.EqualTo("Forbidden"));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task A_spent_budget_answers_too_many_requests_with_retry_after_at_once()
    {
        using var client = Client(Certificates.Issue(ca, "front-proxy-client", clientAuth: true, withKey: true));
        var sandbox = SandboxFactory.New("spender");
        sandbox.Status = new SandboxStatus { ProjectId = ReconcileRig.Project, ServiceId = "svc", Config = ConfigKey.Implicit.ToStatus() };
        sandboxes["team-a/spender"] = sandbox;
        var url = Url("/apis/connect.sandbox.northflank.com/v1alpha1/namespaces/team-a/sandboxes/spender/log?tailLines=5");
        using var first = await client.GetAsync(url); // the budget's one request; Northflank (nowhere) does not answer
        using var second = await client.GetAsync(url);
        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(second.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        });
    }

    private ServiceProvider Services()
    {
        var configs = new InMemoryConfigs();
        var cluster = new InMemoryCluster();
        var access = new AccessResolver(configs, new AccessOptions { DefaultProjectId = ReconcileRig.Project, DefaultCredentialsNamespace = "ops" });
        var inputs = new InputResolver(cluster, access, new SandboxAdmission(access, configs), cluster);
        var budget = new RequestBudget(requestsPerHour: 1, headroom: 1, burstSize: 1);
        var northflank = new NorthflankClientOptions { BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}"), MaxBudgetWait = TimeSpan.FromMilliseconds(50), RequestTimeout = TimeSpan.FromSeconds(5) };
        var collection = new ServiceCollection();
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IRequestHeaderSource>(new FixedHeaders(new RequestHeaderConfig([ca], ["front-proxy-client"], ["X-Remote-User"], ["X-Remote-Group"], ["X-Remote-Extra-"])));
        collection.AddSingleton(new ConnectService(
            new Reviewer(() => allowed), new SandboxSessions(new Source(sandboxes), access, inputs, new SessionConfigs(new SandboxSessionsTests.ReadConfigs(configs), new AccessOptions { DefaultProjectId = ReconcileRig.Project, DefaultCredentialsNamespace = "ops" })), new NorthflankStreams(northflank.Wire), _ => budget, northflank,
            new NoAudit(), new ConnectMetrics(), TimeProvider.System, NullLogger<ConnectService>.Instance));
        return collection.BuildServiceProvider();
    }

    private Uri Url(string path) => new($"https://127.0.0.1:{port}{path}");

    private static HttpClient Client(X509Certificate2? certificate)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        if (certificate is not null)
        {
            handler.ClientCertificates.Add(certificate);
        }

        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Remote-User", "alice");
        client.DefaultRequestHeaders.Add("X-Remote-Group", "devs");
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FixedHeaders(RequestHeaderConfig config) : IRequestHeaderSource
    {
        public Task<RequestHeaderConfig?> GetAsync(CancellationToken ct) => Task.FromResult<RequestHeaderConfig?>(config);
    }

    private sealed class Reviewer(Func<bool> allowed) : IAccessReviewer
    {
        public Task<AccessDecision> ReviewAsync(V1SubjectAccessReview review, CancellationToken ct) => Task.FromResult(new AccessDecision(allowed(), null));
    }

    private sealed class NoAudit : IExecAudit
    {
        public Task ExecStartedAsync(Sandbox sandbox, ConnectUser user, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class Source(Dictionary<string, Sandbox> sandboxes) : ISandboxSource
    {
        public Task<Sandbox?> GetAsync(string @namespace, string name, CancellationToken ct) => Task.FromResult(sandboxes.GetValueOrDefault($"{@namespace}/{name}"));
    }
}

/// <summary>Certificates for the tests: a CA, and certificates it issues for clients or servers.</summary>
internal static class Certificates
{
    public static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public static X509Certificate2 Issue(X509Certificate2 issuer, string name, bool clientAuth, bool withKey = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(clientAuth ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        if (!clientAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), RandomNumberGenerator.GetBytes(8));
        return withKey ? issued.CopyWithPrivateKey(key) : X509CertificateLoader.LoadCertificate(issued.RawData);
    }
}
