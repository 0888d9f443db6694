using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using ControllerRuntime;
using k8s;
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

    [Test]
    public async Task Running_every_controller_opens_one_list_and_one_watch_per_resource()
    {
        var server = new CountingApiServer();
        var services = new ServiceCollection().AddLogging().AddSingleton(NullLoggerFactory.Instance);
        services.AddSandboxOperator(new OperatorOptions { Kubeconfig = kubeconfig, LeaderElection = false });
        services.AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, server));
        await using var provider = services.BuildServiceProvider();
        var controllers = provider.GetServices<IControllerRegistration>().Select(r => r.Build(provider)).ToList();

        using var cts = new CancellationTokenSource();
        var running = controllers.Select(c => c.RunAsync(cts.Token)).ToList();
        var informers = controllers.SelectMany(c => c.Informers).ToList();
        await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // a watch opens right after its list: let the last ones arrive
        await cts.CancelAsync();
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(server.Lists.Where(p => p.Value > 1), Is.Empty, "listed more than once: " + string.Join(", ", server.Lists));
            Assert.That(server.Watches.Where(p => p.Value > 1), Is.Empty, "watched more than once: " + string.Join(", ", server.Watches));
            Assert.That(server.Watches.Keys, Is.EquivalentTo(server.Lists.Keys), "each resource listed is watched");
            Assert.That(server.Lists.Keys, Has.Count.EqualTo(informers.Count), "one list per informer");
            Assert.That(server.Lists.Keys, Does.Contain("/apis/sandbox.northflank.com/v1alpha1/sandboxtemplates")
                .And.Contain("/apis/sandbox.northflank.com/v1alpha1/northflankconfigs")
                .And.Contain("/apis/sandbox.northflank.com/v1alpha1/clusternorthflankconfigs")
                .And.Contain("/apis/sandbox.northflank.com/v1alpha1/sandboxes")
                .And.Contain("/api/v1/secrets"));
        });
    }

    /// <summary>
    /// An API server with no objects that counts, per resource path, the lists and the watches opened; a watch stays
    /// open until the client goes, so a second watch of a path is a second informer, not a reconnect.
    /// </summary>
    private sealed class CountingApiServer : DelegatingHandler
    {
        public ConcurrentDictionary<string, int> Lists { get; } = new();

        public ConcurrentDictionary<string, int> Watches { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { RequestMessage = request };
            if (request.RequestUri.Query.Contains("watch=true", StringComparison.Ordinal))
            {
                Watches.AddOrUpdate(path, 1, (_, n) => n + 1);
                response.Content = new StreamContent(new Pipe().Reader.AsStream());
            }
            else
            {
                Lists.AddOrUpdate(path, 1, (_, n) => n + 1);
                response.Content = new StringContent("""{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""", Encoding.UTF8, "application/json");
            }

            return Task.FromResult(response);
        }
    }
}
