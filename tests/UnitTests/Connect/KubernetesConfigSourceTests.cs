using System.Net;
using System.Text;
using k8s;
using SandboxOperator.Api.V1Alpha1;
using SandboxOperator.Connect;
using SandboxOperator.Controllers.Configs;

namespace UnitTests.Connect;

/// <summary>
/// The config a session reads for itself, on any replica: a NorthflankConfig by GET in its namespace; a
/// ClusterNorthflankConfig only when the operator's cluster-config selector picks it, which the API server judges (a
/// list by name and selector), so a standby serves exactly the configs the leader's watch serves.
/// </summary>
public class KubernetesConfigSourceTests
{
    [Test]
    public async Task A_cluster_config_is_listed_by_name_and_the_operators_selector()
    {
        var server = new ApiServer("""{"kind":"ClusterNorthflankConfigList","items":[{"metadata":{"name":"shared"},"spec":{"projects":["p1"],"credentialsSecretRef":{"namespace":"ops","name":"nf"}}}]}""");
        var source = new KubernetesConfigSource(Client(server), "team=a");
        var configs = await source.ReadAsync(new ConfigKey(ClusterNorthflankConfig.EntityKind, null, "shared"), CancellationToken.None);
        var query = Uri.UnescapeDataString(server.Requests.Single().Query);
        Assert.Multiple(() =>
        {
            Assert.That(server.Requests.Single().AbsolutePath, Is.EqualTo("/apis/sandbox.northflank.com/v1alpha1/clusternorthflankconfigs"));
            Assert.That(query, Does.Contain("fieldSelector=metadata.name=shared").And.Contain("labelSelector=team=a"));
            Assert.That(configs.Cluster("shared")?.Spec.Projects, Is.EqualTo(new[] { "p1" }));
            Assert.That(configs.Cluster("other"), Is.Null);
        });
    }

    [Test]
    public async Task A_cluster_config_the_selector_leaves_out_is_not_there()
    {
        var server = new ApiServer("""{"kind":"ClusterNorthflankConfigList","items":[]}""");
        var configs = await new KubernetesConfigSource(Client(server), "team=a").ReadAsync(new ConfigKey(ClusterNorthflankConfig.EntityKind, null, "shared"), CancellationToken.None);
        Assert.That(configs.Cluster("shared"), Is.Null);
    }

    [Test]
    public async Task A_namespaced_config_is_read_in_its_namespace_and_a_missing_one_is_absent()
    {
        var found = new ApiServer("""{"kind":"NorthflankConfig","metadata":{"name":"team","namespace":"team-a"},"spec":{"projects":["p1"],"credentialsSecretRef":{"name":"nf"}}}""");
        var configs = await new KubernetesConfigSource(Client(found), null).ReadAsync(new ConfigKey(NorthflankConfig.EntityKind, "team-a", "team"), CancellationToken.None);
        var missing = new ApiServer(null);
        var none = await new KubernetesConfigSource(Client(missing), null).ReadAsync(new ConfigKey(NorthflankConfig.EntityKind, "team-a", "team"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(found.Requests.Single().AbsolutePath, Is.EqualTo("/apis/sandbox.northflank.com/v1alpha1/namespaces/team-a/northflankconfigs/team"));
            Assert.That(configs.Namespaced("team-a", "team")?.Spec.CredentialsSecretRef.Name, Is.EqualTo("nf"));
            Assert.That(configs.Namespaced("team-b", "team"), Is.Null, "only in the namespace asked for");
            Assert.That(none.Namespaced("team-a", "team"), Is.Null);
        });
    }

    private static Kubernetes Client(ApiServer server) => new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, server);

    /// <summary>Answers every request with <paramref name="json"/> (null: 404), and records what was asked.</summary>
    private sealed class ApiServer(string? json) : DelegatingHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(json is null ? HttpStatusCode.NotFound : HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new StringContent(json ?? """{"kind":"Status","code":404}""", Encoding.UTF8, "application/json"),
            });
        }
    }
}
