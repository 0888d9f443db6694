using k8s;
using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>
/// The chart, rendered against the real API server (so it picks the API versions Kubernetes 1.20 serves), applies
/// cleanly: every object passes the server's validation. The Deployment is left out: no image, no kubelet here; so is the
/// APIService of sandboxes/exec and /log, which with no operator behind it would make discovery fail for every other
/// test on this control plane (the node tests install it whole).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class ChartApplyTests : ControlPlaneTest
{
    private string release = string.Empty;
    private List<YamlMappingNode> rendered = [];

    [TearDown]
    public Task DeleteClusterScopedObjects() => ChartRbac.DeleteOutsideTestNamespaceAsync(ControlPlane, release);

    [Test]
    public async Task Default_applies_cleanly_with_the_crd()
    {
        var applied = await RenderAndApplyAsync("--include-crds", "--set", "credentials.token=not-a-real-token");

        Assert.That(applied, Does.Contain("customresourcedefinition.apiextensions.k8s.io/sandboxes.sandbox.northflank.com"));
        Assert.That(applied, Does.Contain($"clusterrole.rbac.authorization.k8s.io/{release}-northflank-sandbox-operator"));
        Assert.That(applied, Does.Contain($"secret/{release}-northflank-sandbox-operator-credentials"));
    }

    [Test]
    public async Task Namespaced_applies_cleanly()
    {
        var watched = await ControlPlane.CreateNamespaceAsync("watched");
        try
        {
            var applied = await RenderAndApplyAsync("--set", $"watchNamespaces={{{watched}}}");

            Assert.That(applied, Does.Contain($"role.rbac.authorization.k8s.io/{release}-northflank-sandbox-operator"));
            // Cluster-wide, only the reading of ClusterNorthflankConfigs, the tenant roles aggregated into edit/view, and
            // the binding to system:auth-delegator that delegated authorization of sandboxes/exec and /log needs.
            var clusterWide = applied.Split('\n').Where(l => l.StartsWith("clusterrole", StringComparison.Ordinal)).ToList();
            Assert.That(clusterWide, Has.All.Contain("-cluster-configs").Or.Contain("-tenant-").Or.Contain("-auth-delegator"), string.Join("\n", clusterWide));
        }
        finally
        {
            await Admin.CoreV1.DeleteNamespaceAsync(watched);
        }
    }

    [Test]
    public async Task Two_replicas_apply_cleanly_with_the_beta_pdb_that_kubernetes_120_serves()
    {
        var applied = await RenderAndApplyAsync("--set", "replicaCount=2");

        Assert.That(applied, Does.Contain($"poddisruptionbudget.policy/{release}-northflank-sandbox-operator"));
        Assert.That(rendered.Single("PodDisruptionBudget").Scalar("apiVersion"), Is.EqualTo("policy/v1beta1"));
    }

    /// <returns>kubectl's output, one line per object applied.</returns>
    private async Task<string> RenderAndApplyAsync(params string[] arguments)
    {
        release = ChartRbac.NewReleaseName();
        // helm's server-side dry run refuses a CRD that exists without Helm's ownership labels (other tests install it
        // with kubectl), so the chart's crds/ folder is applied as it is, next to the rendered templates.
        var includeCrds = arguments.Contains("--include-crds");
        arguments = [.. arguments.Where(a => a != "--include-crds")];
        var yaml = await ChartHelm.TemplateForClusterAsync(ControlPlane.AdminKubeconfigPath, release, Namespace, arguments);
        rendered = ChartHelm.Documents(yaml);
        var documents = rendered.Where(d => d.Kind() is not ("Deployment" or "APIService")).ToList();
        Assert.That(documents, Is.Not.Empty);
        var path = Path.Combine(ControlPlane.RootDirectory, $"chart-{release}.yaml");
        await File.WriteAllTextAsync(path, ChartHelm.ToYaml(documents));

        string[] files = includeCrds ? ["-f", path, "-f", Path.Combine(ChartHelm.ChartDirectory, "crds")] : ["-f", path];
        var result = await ToolRunner.RunAsync(Tools.Kubectl, ["apply", "--server-side", "--force-conflicts", .. files], ControlPlane.AdminKubeconfigPath);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardError, Is.Empty, result.Describe());
        return result.StandardOutput;
    }
}
