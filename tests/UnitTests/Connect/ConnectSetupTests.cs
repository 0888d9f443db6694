using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxOperator.Connect;
using SandboxOperator.Hosting;

namespace UnitTests.Connect;

/// <summary>The connect API is off unless its address is given, and then everything it needs resolves from the operator's services.</summary>
public class ConnectSetupTests
{
    private string kubeconfig = null!;

    [SetUp]
    public void WriteKubeconfig()
    {
        // Never contacted: resolving services sends nothing.
        kubeconfig = Path.GetTempFileName();
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {username: test, password: test}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);
    }

    [TearDown]
    public void RemoveKubeconfig() => File.Delete(kubeconfig);

    [Test]
    public async Task With_an_address_the_server_and_its_service_resolve()
    {
        var services = Build(new OperatorOptions { Kubeconfig = kubeconfig, LeaderElection = false, ConnectAddress = "https://0.0.0.0:8443", ConnectCertFile = "/tls/tls.crt", ConnectKeyFile = "/tls/tls.key" });
        await using var provider = services.BuildServiceProvider();
        Assert.Multiple(() =>
        {
            Assert.That(provider.GetService<ConnectService>(), Is.Not.Null);
            Assert.That(Servers(services), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Without_an_address_there_is_no_connect_server()
    {
        var services = Build(new OperatorOptions { Kubeconfig = kubeconfig, LeaderElection = false });
        await using var provider = services.BuildServiceProvider();
        Assert.Multiple(() =>
        {
            Assert.That(Servers(services), Is.Zero);
            Assert.That(provider.GetService<ConnectService>(), Is.Null);
        });
    }

    [TestCase("http://0.0.0.0:8443", "c", "k")]
    [TestCase("https://0.0.0.0:8443", null, "k")]
    [TestCase("not a url", "c", "k")]
    public void A_bad_address_or_no_certificate_is_refused_at_start(string address, string? cert, string? key) =>
        Assert.That(() => ConnectServerOptions.From(address, cert, key), Throws.ArgumentException);

    private static ServiceCollection Build(OperatorOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging().AddSingleton(NullLoggerFactory.Instance);
        services.AddSandboxOperator(options);
        return services;
    }

    /// <summary>Connect servers registered to run (the runtime's own host is not started here).</summary>
    private static int Servers(ServiceCollection services) =>
        services.Count(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ConnectServer));
}
