using ControllerRuntime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Hosting;

namespace UnitTests.Hosting;

/// <summary>
/// Every kind the operator reads from a cache is watched once: a second informer of a kind would let a reconcile woken
/// by one watch read the other's older state (a template deleted and back, read both ways by two Sandboxes 7 ms apart).
/// </summary>
public class OneWatchPerKindTests
{
    private string kubeconfig = null!;

    [SetUp]
    public void WriteKubeconfig()
    {
        // Never contacted: building controllers sends nothing, only running them does.
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
    public async Task Every_controller_of_the_operator_builds_and_each_kind_has_one_informer()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(NullLoggerFactory.Instance);
        services.AddSandboxOperator(new OperatorOptions { Kubeconfig = kubeconfig, LeaderElection = false });
        await using var provider = services.BuildServiceProvider();

        var controllers = provider.GetServices<IControllerRegistration>().Select(r => r.Build(provider)).ToList();

        var watched = controllers.SelectMany(c => c.Informers).Select(i => i.Name).ToList();
        Assert.That(watched.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, string.Join(", ", watched));
        Assert.That(watched, Does.Contain(nameof(SandboxTemplate)).And.Contain(nameof(NorthflankConfig)).And.Contain(nameof(ClusterNorthflankConfig)));
    }
}
