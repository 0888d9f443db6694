using TestInfra;
using YamlDotNet.RepresentationModel;

namespace IntegrationTests.Chart;

/// <summary>The GitOps examples: the Argo CD health check, run for real with Lua, and the manifests it ships.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class GitOpsExamplesTests : ControlPlaneTest
{
    private static readonly string GitOps = Path.Combine(RepositoryRoot.Path, "examples", "gitops");
    private static readonly string HealthScript = Path.Combine(GitOps, "argocd", "sandbox-health.lua");

    [Test]
    public async Task Argo_health_check_gives_the_expected_status_for_every_sample_sandbox()
    {
        var result = await ToolRunner.RunAsync(Lua(), [Path.Combine(GitOps, "test", "health_test.lua"), HealthScript]);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Match(@"\d+ passed, 0 failed"));
    }

    [Test]
    public async Task Argo_health_check_harness_fails_on_a_wrong_script()
    {
        // The harness must be able to fail: a script that calls everything Healthy does not pass.
        var wrong = Path.Combine(Path.GetTempPath(), $"always-healthy-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(wrong, "return { status = \"Healthy\", message = \"\" }\n");
        try
        {
            var result = await ToolRunner.RunAsync(Lua(), [Path.Combine(GitOps, "test", "health_test.lua"), wrong]);

            Assert.That(result.ExitCode, Is.EqualTo(1), result.Describe());
            Assert.That(result.StandardOutput, Does.Contain("FAIL"));
        }
        finally
        {
            File.Delete(wrong);
        }
    }

    [Test]
    public void Argo_config_map_embeds_the_health_script_verbatim()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(GitOps, "argocd", "argocd-cm.yaml"))));
        var embedded = ((YamlMappingNode)stream.Documents[0].RootNode).Map("data").Scalar("resource.customizations.health.sandbox.northflank.com_Sandbox");

        Assert.That(embedded, Is.EqualTo(File.ReadAllText(HealthScript)), "argocd-cm.yaml is stale: paste sandbox-health.lua into it again");
    }

    [Test]
    public void Every_example_manifest_is_well_formed_yaml_with_a_kind()
    {
        var files = Directory.GetFiles(GitOps, "*.yaml", SearchOption.AllDirectories);

        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
        {
            var documents = ChartHelm.Documents(File.ReadAllText(file));
            Assert.That(documents, Is.Not.Empty, file);
            Assert.That(documents.Select(d => d.Kind()), Has.All.Not.Empty, file);
        }
    }

    [Test]
    public async Task Git_ops_sandboxes_are_valid_for_the_crd()
    {
        await SandboxFleet.InstallCrdAsync(ControlPlane.AdminKubeconfigPath);

        var result = await ToolRunner.RunAsync(
            Tools.Kubectl,
            ["apply", "--dry-run=server", "--namespace", Namespace, "-k", Path.Combine(GitOps, "sandboxes")],
            ControlPlane.AdminKubeconfigPath);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("sandbox.sandbox.northflank.com/agent"));
    }

    [Test]
    public async Task Tenancy_example_is_valid_for_the_crds()
    {
        await SandboxFleet.InstallCrdAsync(ControlPlane.AdminKubeconfigPath);
        foreach (var ns in new[] { "team-a", "team-b", "team-c", "northflank-system" })
        {
            await ToolRunner.RunAsync(Tools.Kubectl, ["create", "namespace", ns], ControlPlane.AdminKubeconfigPath);
        }

        var result = await ToolRunner.RunAsync(
            Tools.Kubectl,
            ["apply", "--dry-run=server", "-f", Path.Combine(RepositoryRoot.Path, "examples", "tenancy", "configs.yaml")],
            ControlPlane.AdminKubeconfigPath);

        Assert.That(result.Succeeded, Is.True, result.Describe());
        Assert.That(result.StandardOutput, Does.Contain("clusternorthflankconfig.sandbox.northflank.com/shared").And.Contain("northflankconfig.sandbox.northflank.com/own-account"));
    }

    /// <summary>lua5.4 from Debian (installed by make tools).</summary>
    private static string Lua()
    {
        foreach (var candidate in new[] { "/usr/bin/lua5.4", "/usr/local/bin/lua5.4", "/usr/bin/lua" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("lua5.4 is not installed; run `make tools` (it apt-installs lua5.4)");
    }
}
